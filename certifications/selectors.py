"""Reads: load certifications, cycles and activities, and hand them to the rules engine.

Every figure a person sees (dashboard, API, reminders, audit packets) comes from `certifications_progress`
(through `user_progress` for one person) or `cycle_progress`, which call the one engine in `certifications.rules`."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization, User

from .models import Certification, Credential, Cycle, RuleSetVersion
from .rules.engine import ActivityInput, CredentialInfo, CycleResult, RuleVersion, evaluate
from .rules.params import RuleParams


@dataclass(frozen=True)
class Progress:
    """A certification, its current cycle row and the engine's result for it."""

    certification: Certification
    cycle: Cycle
    result: CycleResult


@lru_cache(maxsize=512)
def _params(version_id: int, params_json: str) -> RuleParams:
    # Published versions never change, so their parsed form can be cached by id and content.
    import json

    return RuleParams.from_dict(json.loads(params_json))


def rule_versions(*, organization_ids: list[int] | None = None) -> dict[int, tuple[RuleVersion, ...]]:
    """Published rule-set versions per organization id, oldest first (one query)."""
    import json

    with scopes_disabled():
        rows = RuleSetVersion.objects.filter(status=RuleSetVersion.PUBLISHED).order_by("effective_from")
        if organization_ids is not None:
            rows = rows.filter(organization_id__in=organization_ids)
        out: dict[int, list[RuleVersion]] = defaultdict(list)
        for row in rows:
            params = _params(row.id, json.dumps(row.params, sort_keys=True))
            out[row.organization_id].append(RuleVersion(row.effective_from, params))
    return {org_id: tuple(v) for org_id, v in out.items()}


def credential_info(credential: Credential) -> CredentialInfo:
    """The engine's view of a credential (organization by its short name)."""
    return CredentialInfo(credential.code, credential.organization.short_name, credential.level, credential.required)


def activity_input(activity, *, organization: Organization, petition=None) -> ActivityInput:
    """The engine's view of one activity, as seen by one organization.

    An approved course counts as `approved_course` for the organization that approved it and as
    `other_org_course` for every other; a petition to this organization turns it into `petition`."""
    kind = activity.kind
    awarding = (activity.awarding_org or "").strip()
    if kind in ("approved_course", "other_org_course") and awarding:
        kind = "approved_course" if awarding.casefold() == organization.short_name.casefold() else "other_org_course"
    amount = activity.amount
    if petition is not None:
        kind, amount = "petition", petition.amount
    new_credential = activity.new_credential
    return ActivityInput(
        id=str(activity.pk),
        kind=kind,
        completed_on=activity.completed_on,
        amount=amount,
        hours=activity.hours,
        course_number=activity.course_number or None,
        awarding_org=awarding or None,
        credit_hours=activity.credit_hours,
        term=activity.term or None,
        grade=activity.grade or None,
        new_credential=credential_info(new_credential) if new_credential is not None else None,
        petition_status=petition.status if petition is not None else None,
        seq=activity.pk,
    )


def _evaluate(*, certification, cycle, activities, petitions, versions, previous_until, as_of) -> CycleResult:
    organization = certification.credential.organization
    inputs = [
        activity_input(a, organization=organization, petition=petitions.get((a.pk, organization.pk)))
        for a in activities
    ]
    return evaluate(
        credential=credential_info(certification.credential),
        cycle_start=cycle.start,
        as_of=as_of,
        versions=versions,
        activities=inputs,
        cpr_aed_valid_until=certification.cpr_aed_valid_until,
        recorded_status=cycle.recorded_status or None,
        previous_cycle_until=previous_until,
    )


def user_progress(*, user: User, as_of: date | None = None) -> list[Progress]:
    """Every certification of the person with its current cycle evaluated, in a fixed number of queries."""
    with scopes_disabled():
        certifications = list(
            Certification.objects.filter(user=user).select_related("credential__organization").order_by("created_at")
        )
    return certifications_progress(certifications=certifications, as_of=as_of)


@dataclass(frozen=True, slots=True)
class _ActivityRow:
    """What `activity_input` reads of an activity, loaded as plain values: model instances cost
    several times more to build, which shows at tens of thousands of activities per batch."""

    pk: int
    user_id: int
    kind: str
    completed_on: date
    amount: Decimal | None
    hours: Decimal | None
    course_number: str
    awarding_org: str
    credit_hours: Decimal | None
    term: str
    grade: str
    new_credential: Credential | None


_ACTIVITY_COLUMNS = (
    "pk",
    "user_id",
    "kind",
    "completed_on",
    "amount",
    "hours",
    "course_number",
    "awarding_org",
    "credit_hours",
    "term",
    "grade",
    "new_credential_id",
)


def certifications_progress(*, certifications: Iterable[Certification], as_of: date | None = None) -> list[Progress]:
    """The current cycle of each certification evaluated, in order; a fixed number of queries for any
    number of certifications (of one person or many). Certifications without a cycle are left out.

    Pass certifications with `credential__organization` selected (a queryset gets it added)."""
    from credits.models import Activity, Petition

    as_of = as_of or timezone.localdate()
    with scopes_disabled():
        if isinstance(certifications, QuerySet):
            certifications = certifications.select_related("credential__organization")
        certifications = list(certifications)
        if not certifications:
            return []
        cert_ids = [c.pk for c in certifications]
        user_ids = list({c.user_id for c in certifications})
        cycles_by_cert: dict[int, list[Cycle]] = defaultdict(list)
        for cycle in Cycle.objects.filter(certification_id__in=cert_ids).select_related("renewal").order_by("start"):
            cycles_by_cert[cycle.certification_id].append(cycle)
        credentials = {c.pk: c for c in Credential.objects.select_related("organization")}  # a short list
        activities_by_user: dict[int, list[_ActivityRow]] = defaultdict(list)
        rows = Activity.objects.filter(user_id__in=user_ids, voided_at__isnull=True).values_list(*_ACTIVITY_COLUMNS)
        for *values, new_credential_id in rows:
            activity = _ActivityRow(*values, credentials.get(new_credential_id) if new_credential_id else None)
            activities_by_user[activity.user_id].append(activity)
        petitions = {
            (p.activity_id, p.organization_id): p for p in Petition.objects.filter(activity__user_id__in=user_ids)
        }
        versions = rule_versions(organization_ids=list({c.credential.organization_id for c in certifications}))
    out = []
    for certification in certifications:
        cycles = cycles_by_cert.get(certification.pk)
        if not cycles:
            continue
        result = _evaluate(
            certification=certification,
            cycle=cycles[-1],
            activities=activities_by_user.get(certification.user_id, []),
            petitions=petitions,
            versions=versions[certification.credential.organization_id],
            previous_until=_previous_until(cycles),
            as_of=as_of,
        )
        out.append(Progress(certification, cycles[-1], result))
    return out


def _previous_until(cycles: list[Cycle]) -> date | None:
    """The last day the previous cycle could still collect credits: its end when renewed on time;
    during grace, the day it was renewed; without a renewal on record, its grace end (RULES §3)."""
    if len(cycles) < 2:
        return None
    previous = cycles[-2]
    try:
        renewed_on = timezone.localdate(previous.renewal.submitted_at)
    except ObjectDoesNotExist:
        return previous.grace_until or previous.end
    return max(previous.end, min(renewed_on, previous.grace_until or previous.end))


def cycle_progress(*, cycle: Cycle, as_of: date | None = None) -> Progress:
    """One cycle (current or past) of a certification, evaluated."""
    from credits.models import Activity, Petition

    as_of = as_of or timezone.localdate()
    with scopes_disabled():
        certification = Certification.objects.select_related("credential__organization").get(pk=cycle.certification_id)
        earlier = list(
            Cycle.objects.filter(certification=certification, start__lte=cycle.start)
            .select_related("renewal")
            .order_by("start")
        )
        activities = list(
            Activity.objects.filter(user_id=certification.user_id, voided_at__isnull=True).select_related(
                "new_credential__organization"
            )
        )
        petitions = {
            (p.activity_id, p.organization_id): p
            for p in Petition.objects.filter(
                activity__user_id=certification.user_id, organization_id=certification.credential.organization_id
            )
        }
        versions = rule_versions(organization_ids=[certification.credential.organization_id])
    result = _evaluate(
        certification=certification,
        cycle=cycle,
        activities=activities,
        petitions=petitions,
        versions=versions[certification.credential.organization_id],
        previous_until=_previous_until(earlier),
        as_of=as_of,
    )
    return Progress(certification, cycle, result)


@dataclass(frozen=True)
class Quote:
    """What renewing a cycle costs on a given day (RULES §3, §7): which fee applies and how much."""

    fee_kind: str  # one of Renewal.FEE_CHOICES
    fee: Decimal | None  # None where the organization publishes no amount
    currency: str
    allowed: bool  # False when only the organization can act (lapsed: reinstatement)
    message: str


def renewal_quote(*, certification: Certification, cycle: Cycle, on: date) -> Quote:
    """The fee for renewing `cycle` on `on`: on time, late in grace, or reinstatement after lapse."""
    from .models import Renewal
    from .rules.engine import version_in_force

    with scopes_disabled():
        versions = rule_versions(organization_ids=[certification.credential.organization_id])
    params = version_in_force(versions=versions[certification.credential.organization_id], on=cycle.start).params
    fees, base = params.fees, certification.credential.renewal_fee
    if cycle.recorded_status == Cycle.EMERITUS:
        return Quote(
            Renewal.EMERITUS_REINSTATEMENT,
            fees.emeritus_reinstatement,
            fees.currency,
            False,
            "Returning from emeritus to active status goes through the organization.",
        )
    if on <= cycle.end:
        return Quote(Renewal.RENEWAL, base, fees.currency, True, "Renewal fee.")
    if cycle.grace_until is not None and on <= cycle.grace_until:
        late = None if base is None and fees.late is None else (base or Decimal(0)) + (fees.late or Decimal(0))
        return Quote(Renewal.LATE, late, fees.currency, True, "Renewal fee plus the late fee for renewing in grace.")
    return Quote(
        Renewal.REINSTATEMENT,
        fees.reinstatement,
        fees.currency,
        False,
        "The certification has lapsed: reinstatement goes through the organization.",
    )
