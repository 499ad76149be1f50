"""Reads: load certifications, cycles and activities, and hand them to the rules engine.

Every figure a person sees (dashboard, API, reminders, audit packets) comes from `certifications_progress`
(through `user_progress` for one person) or `cycle_progress`, which call the one engine in `certifications.rules`."""

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from accounts.models import Organization, User
from certifications.forecast import Chart, Forecast, amount_text, cumulative_chart, forecast, percent
from certifications.models import Certification, Credential, Cycle, RuleSetVersion
from certifications.rules.engine import (
    PETITION_PENDING,
    ActivityInput,
    CredentialInfo,
    CycleResult,
    RuleVersion,
    evaluate,
    version_in_force,
)
from certifications.rules.params import RuleParams


@dataclass(frozen=True)
class Progress:
    """A certification, its current cycle row and the engine's result for it."""

    certification: Certification
    cycle: Cycle
    result: CycleResult
    completed_on: Mapping[str, date] = field(default_factory=dict)  # activity id -> date, for charts


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


def params_in_force(*, organization_id: int, on: date) -> RuleParams | None:
    """The organization's published rules in force on `on` (None before it has published any)."""
    with scopes_disabled():
        versions = rule_versions(organization_ids=[organization_id]).get(organization_id)
    return version_in_force(versions=versions, on=on).params if versions else None


def organization_names() -> list[str]:
    """Every organization a trainer may name: those on the platform and those their published rules convert from."""
    with scopes_disabled():
        names = {org.short_name.casefold(): org.short_name for org in Organization.objects.all()}
    for versions in rule_versions().values():
        for org in versions[-1].params.other_orgs:
            names.setdefault(org.name.strip().casefold(), org.name.strip())
    return sorted(names.values(), key=str.casefold)


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
    until = _renewed_until(cycle)
    inputs = [
        activity_input(a, organization=organization, petition=petitions.get((a.pk, organization.pk)))
        for a in activities
        if until is None or a.completed_on <= until  # later ones belong to the next cycle (RULES §3)
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
    return certifications_progress(certifications=certifications_of(user=user), as_of=as_of)


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


def certifications_progress(
    *, certifications: Iterable[Certification], as_of: date | None = None, all_cycles: bool = False
) -> list[Progress]:
    """The current cycle of each certification evaluated, in order; a fixed number of queries for any
    number of certifications (of one person or many). Certifications without a cycle are left out.
    With `all_cycles`, every cycle of each certification, oldest first.

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
        dates_by_user: dict[int, dict[str, date]] = defaultdict(dict)
        for *values, new_credential_id in rows:
            activity = _ActivityRow(*values, credentials.get(new_credential_id) if new_credential_id else None)
            activities_by_user[activity.user_id].append(activity)
            dates_by_user[activity.user_id][str(activity.pk)] = activity.completed_on
        petitions = {
            (p.activity_id, p.organization_id): p for p in Petition.objects.filter(activity__user_id__in=user_ids)
        }
        versions = rule_versions(organization_ids=list({c.credential.organization_id for c in certifications}))
    out = []
    for certification in certifications:
        cycles = cycles_by_cert.get(certification.pk, [])
        for upto in range(1 if all_cycles else max(len(cycles), 1), len(cycles) + 1):
            result = _evaluate(
                certification=certification,
                cycle=cycles[upto - 1],
                activities=activities_by_user.get(certification.user_id, []),
                petitions=petitions,
                versions=versions[certification.credential.organization_id],
                previous_until=_previous_until(cycles[:upto]),
                as_of=as_of,
            )
            dates = dates_by_user.get(certification.user_id, {})
            out.append(Progress(certification, cycles[upto - 1], result, dates))
    return out


def _previous_until(cycles: list[Cycle]) -> date | None:
    """The last day the previous cycle could still collect credits: its end when renewed on time;
    during grace, the day it was renewed; without a renewal on record, its grace end (RULES §3)."""
    if len(cycles) < 2:
        return None
    previous = cycles[-2]
    return _renewed_until(previous) or previous.grace_until or previous.end


def _renewed_until(cycle: Cycle) -> date | None:
    """For a renewed cycle, the last day it collects credits (its end, or the renewal day in grace); None if
    not renewed. What comes later counts toward the next cycle only, never toward both."""
    try:
        renewed_on = timezone.localdate(cycle.renewal.submitted_at)
    except ObjectDoesNotExist:
        return None
    return max(cycle.end, min(renewed_on, cycle.grace_until or cycle.end))


def cycle_progress(*, cycle: Cycle, as_of: date | None = None) -> Progress:
    """One cycle (current or past) of a certification, evaluated by the one batch path."""
    with scopes_disabled():
        certification = Certification.objects.select_related("credential__organization").get(pk=cycle.certification_id)
    for progress in certifications_progress(certifications=[certification], as_of=as_of, all_cycles=True):
        if progress.cycle.pk == cycle.pk:
            return progress
    raise Cycle.DoesNotExist(f"cycle {cycle.pk} is not a cycle of certification {certification.pk}")


@dataclass(frozen=True)
class Quote:
    """What renewing a cycle costs on a given day (RULES §3, §7): which fee applies and how much."""

    fee_kind: str  # one of Renewal.FEE_CHOICES
    fee: Decimal | None  # None where the organization publishes no amount
    currency: str
    allowed: bool  # False when only the organization can act (lapsed: reinstatement)
    message: str
    lines: tuple[tuple[str, Decimal | None], ...] = ()  # what the fee is made of, for the renew page


def renewal_quote(*, certification: Certification, cycle: Cycle, on: date) -> Quote:
    """The fee for renewing `cycle` on `on`: on time, late in grace, or reinstatement after lapse."""
    from certifications.models import Renewal

    # Fees are those published on the day of payment; the cycle's dates stay those of its start.
    params = params_in_force(organization_id=certification.credential.organization_id, on=on)
    credential = certification.credential
    # The rule set's fee for this credential; versions written before they carried one keep the credential's.
    fees = params.fees
    base = fees.renewal_for(credential.code, default=credential.renewal_fee)
    if cycle.recorded_status == Cycle.EMERITUS:
        return Quote(
            Renewal.EMERITUS_REINSTATEMENT,
            fees.emeritus_reinstatement,
            fees.currency,
            False,
            "Returning from emeritus to active status goes through the organization.",
        )
    org = certification.credential.organization.short_name
    if on <= cycle.end:
        return Quote(Renewal.RENEWAL, base, fees.currency, True, "Renewal fee.", (("Renewal fee", base),))
    if cycle.grace_until is not None and on <= cycle.grace_until:
        # ACSM: "both the recertification and late fees are paid" (RULES §3, §5).
        late = None if base is None and fees.late is None else (base or Decimal(0)) + (fees.late or Decimal(0))
        return Quote(
            Renewal.LATE,
            late,
            fees.currency,
            True,
            "Renewal fee plus the late fee for renewing in grace.",
            (("Renewal fee", base), ("Late fee (grace period)", fees.late)),
        )
    if cycle.grace_until is None:
        # RULES §3 Interpretation: no grace period (ACE) means expired after the end date, not lapsed.
        return Quote(
            Renewal.REINSTATEMENT,
            fees.reinstatement,
            fees.currency,
            False,
            f"The certification expired after {date_format(cycle.end)} and {org} has no grace period: "
            f"renewing it now goes through {org}.",
            (("Reinstatement", fees.reinstatement),),
        )
    return Quote(
        Renewal.REINSTATEMENT,
        fees.reinstatement,
        fees.currency,
        False,
        f"The certification has lapsed: reinstatement goes through {org}.",
        (("Reinstatement fee", fees.reinstatement),),
    )


def certifications_of(*, user: User):
    """The person's certifications with credential and organization, oldest first; the only way views reach them."""
    with scopes_disabled():
        return Certification.objects.filter(user=user).select_related("credential__organization").order_by("created_at")


def cycles_of(*, user: User):
    """The person's cycles (any certification), with certification, credential and organization loaded."""
    with scopes_disabled():
        return Cycle.objects.filter(certification__user=user).select_related("certification__credential__organization")


@dataclass(frozen=True)
class StatementLine:
    """One activity of a cycle and what it applied there."""

    activity: object  # credits.models.Activity
    applied: object  # rules.engine.AppliedActivity


def cycle_statements(*, progress: list[Progress]) -> list[tuple[Progress, list[StatementLine]]]:
    """Evaluated cycles, each with the activities dated in it (or its grace) and what they applied; one query.

    Activities the engine puts outside a cycle are left out of it: they belong to another cycle."""
    from certifications.rules.engine import OUTSIDE_CYCLE
    from credits.models import Activity

    applied = [{int(a.id): a for a in p.result.activities if a.reason != OUTSIDE_CYCLE} for p in progress]
    wanted = {pk for items in applied for pk in items}
    with scopes_disabled():
        activities = list(Activity.objects.filter(pk__in=wanted).order_by("completed_on", "pk"))
    return [
        (p, [StatementLine(a, items[a.pk]) for a in activities if a.pk in items])
        for p, items in zip(progress, applied, strict=True)
    ]


def cycle_statement(*, cycle: Cycle, as_of: date | None = None) -> tuple[Progress, list[StatementLine]]:
    """One cycle evaluated, with each activity dated in it and what it applied (see `cycle_statements`)."""
    return cycle_statements(progress=[cycle_progress(cycle=cycle, as_of=as_of)])[0]


def certification_for_user(*, user: User, pk: int) -> Certification:
    """One of the person's own certifications; anyone else's (or none) is a 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(certifications_of(user=user), pk=pk)


def credentials_available(*, organization_id: int | None = None) -> list[Credential]:
    """Active credentials a person can add, optionally of one organization (public catalog data)."""
    with scopes_disabled():
        rows = Credential.objects.filter(is_active=True).select_related("organization")
        if organization_id is not None:
            rows = rows.filter(organization_id=organization_id)
        return list(rows)


def certification_cycles(*, certification: Certification, as_of: date | None = None) -> list[Progress]:
    """Every cycle of a certification, oldest first, each evaluated (one batch, a fixed number of queries)."""
    return certifications_progress(certifications=[certification], as_of=as_of, all_cycles=True)


def certification_cycle(*, certification: Certification, pk: object) -> Cycle | None:
    """One cycle of this certification by id (None for another certification's, or a bad id)."""
    try:
        pk = int(pk)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    with scopes_disabled():
        return Cycle.objects.filter(certification=certification, pk=pk).first()


def certification_current_cycle(*, certification: Certification) -> Cycle | None:
    """The latest cycle of a certification (the one a renewal would close)."""
    with scopes_disabled():
        return Cycle.objects.filter(certification=certification).order_by("-start").first()


@dataclass(frozen=True)
class DashboardCard:
    """What the dashboard shows for one certification: its progress plus what follows from it."""

    progress: Progress
    percent: int
    days_left: int  # until the end date, inclusive; negative once it has passed
    cpr_aed_gap: bool  # the organization wants CPR/AED through the cycle and it expires before the end
    forecast: Forecast
    chart: Chart
    pending: list  # the AppliedActivity entries that wait on a petition: they count once it is approved

    @property
    def pending_amount(self) -> Decimal:
        return sum((a.full for a in self.pending), Decimal("0"))


def user_dashboard(*, user: User, as_of: date | None = None) -> list[DashboardCard]:
    """One card per certification, built on `user_progress` (same queries, no second evaluation)."""
    as_of = as_of or timezone.localdate()
    return dashboard_cards(progress=user_progress(user=user, as_of=as_of), as_of=as_of)


def _applied_by_day(item: Progress) -> list[tuple[date, Decimal]]:
    dates = item.completed_on
    return [(dates[a.id], a.applied) for a in item.result.activities if a.id in dates]


def _waiting_on_petition(item: Progress) -> list:
    return [a for a in item.result.activities if a.reason == PETITION_PENDING]


def dashboard_cards(
    *, progress: list[Progress], as_of: date, points=_applied_by_day, pending=_waiting_on_petition
) -> list[DashboardCard]:
    """The cards for evaluated cycles; `points(progress)` gives the chart's (day, applied) pairs and
    `pending(progress)` the activities that wait on a petition."""
    cards = []
    for item in progress:
        result = item.result
        cycle = result.cycle
        cards.append(
            DashboardCard(
                progress=item,
                percent=percent(earned=result.earned, required=result.required),
                days_left=(cycle.end - as_of).days + 1,
                cpr_aed_gap=not result.cpr_aed_ok,
                forecast=forecast(
                    earned=result.earned,
                    required=result.required,
                    start=cycle.start,
                    end=cycle.end,
                    as_of=as_of,
                    unit=result.unit,
                ),
                chart=cumulative_chart(
                    start=cycle.start,
                    last_day=cycle.grace_until or cycle.end,
                    end=cycle.end,
                    required=result.required,
                    applied=points(item),
                    as_of=as_of,
                ),
                pending=pending(item),
            )
        )
    return cards


@dataclass(frozen=True)
class RenewalPreview:
    """What renewing `cycle` on a day would do: the fee, the next cycle's dates, or why it can't be done."""

    cycle: Cycle
    progress: Progress
    quote: Quote
    next_start: date
    next_end: date
    problems: dict[str, str]  # field -> plain-words reason; empty when the renewal may be submitted

    @property
    def allowed(self) -> bool:
        return not self.problems


def renewal_preview(*, certification: Certification, cycle: Cycle, on: date) -> RenewalPreview:
    """Check a renewal of `cycle` on `on` against the engine's result and the quote (RULES §3)."""
    from certifications.rules.engine import cycle_for, next_cycle_start

    progress = cycle_progress(cycle=cycle, as_of=on)
    result = progress.result
    quote = renewal_quote(certification=certification, cycle=cycle, on=on)
    unit = result.unit
    problems: dict[str, str] = {}
    if cycle.recorded_status:
        problems["cycle"] = f"This cycle is already recorded as {cycle.get_recorded_status_display().lower()}."
    elif not quote.allowed:
        problems["cycle"] = quote.message
    elif on < cycle.start:
        problems["cycle"] = f"This cycle starts on {date_format(cycle.start)}: it can't be renewed before then."
    elif result.earned < result.required:
        problems["cycle"] = (
            f"You have {amount_text(result.earned)} of the {amount_text(result.required)} {unit}s required: "
            f"{amount_text(result.remaining)} {unit}s still missing before you can renew."
        )
    elif not result.cpr_aed_ok:
        org = certification.credential.organization.short_name
        problems["cpr_aed_valid_until"] = (
            f"{org} requires a CPR/AED certification valid through the end of the cycle ({date_format(cycle.end)}). "
            "Update your CPR/AED expiry date first."
        )
    next_start = next_cycle_start(cycle=result.cycle)
    params = params_in_force(organization_id=certification.credential.organization_id, on=next_start)
    next_end = cycle_for(start=next_start, params=params).end
    return RenewalPreview(cycle, progress, quote, next_start, next_end, problems)


# --- The calculator (RULES §8): a described situation, not stored data, through the same engine. ---

# Kinds whose value is the activity's own `amount`, so a request without one cannot be evaluated (RULES §8).
_AMOUNT_REQUIRED = frozenset({"approved_course", "teaching", "lecturing"})
TERMS = ("semester", "quarter")


def evaluate_request(
    *,
    credential: str,
    certified_on: date,
    activities: Sequence[Mapping[str, Any]] = (),
    as_of: date | None = None,
    cpr_aed_valid_until: date | None = None,
    current_credential_level: str | None = None,
) -> CycleResult:
    """Evaluate a described cycle with the published rules (the calculator, RULES §8); at most three queries.

    `activities` are dicts with the API's field names. Bad input raises ValidationError keyed by field,
    activity fields as `activities.<index>.<field>`."""
    from certifications.rules.engine import cycle_for, version_in_force
    from credits.models import ApprovedCourse

    known, all_versions = _calculator_rules()
    errors: dict[str, list[str]] = {}
    target = known.get(credential.strip().upper())
    if target is None:
        raise ValidationError({"credential": ["No credential has this code."]})
    organization = target.organization
    versions = all_versions.get(organization.pk)
    if not versions:
        raise ValidationError({"credential": [f"{organization.short_name} has no published rules yet."]})
    try:
        cycle_for(start=certified_on, params=version_in_force(versions=versions, on=certified_on).params)
    except (ValueError, OverflowError):
        raise ValidationError({"certified_on": ["This date is too far in the future to compute a cycle."]}) from None

    level = None
    if current_credential_level:
        level = known.get(current_credential_level.strip().upper())
        if level is None:
            errors["current_credential_level"] = ["No credential has this code."]
        elif level.organization_id != organization.pk:
            errors["current_credential_level"] = [f"Must be a credential of {organization.short_name}."]

    catalog = _catalog_amounts(organization=organization, activities=activities, model=ApprovedCourse)
    inputs = []
    for index, item in enumerate(activities):
        # One version (the usual case) needs no lookup per activity.
        params = (
            versions[0].params
            if len(versions) == 1
            else version_in_force(versions=versions, on=item["completed_on"]).params
        )
        item_errors = _activity_errors(item, params=params, known=known, catalog=catalog)
        for name, message in item_errors.items():
            errors[f"activities.{index}.{name}"] = [message]
        if not item_errors:
            inputs.append(_calculator_input(item, index=index, known=known, catalog=catalog))
    if errors:
        raise ValidationError(errors)
    return evaluate(
        credential=credential_info(target),
        cycle_start=certified_on,
        as_of=as_of or timezone.localdate(),
        versions=versions,
        activities=inputs,
        current_level=credential_info(level) if level is not None else None,
        cpr_aed_valid_until=cpr_aed_valid_until,
    )


_RULES_SNAPSHOT: tuple[float, dict[str, Credential], dict[int, tuple[RuleVersion, ...]]] | None = None


def _calculator_rules() -> tuple[dict[str, Credential], dict[int, tuple[RuleVersion, ...]]]:
    """Every credential (by upper-case code) and every organization's published versions (two queries).

    Kept in the process for `CECT_RULES_CACHE_SECONDS` (0 = never kept): the public calculator is the hot path,
    and credentials and published versions change rarely (a version is never edited once published)."""
    global _RULES_SNAPSHOT
    ttl = getattr(settings, "CECT_RULES_CACHE_SECONDS", 0)
    now = time.monotonic()
    snapshot = _RULES_SNAPSHOT
    if ttl and snapshot is not None and now - snapshot[0] < ttl:
        return snapshot[1], snapshot[2]
    with scopes_disabled():
        credentials = {c.code.strip().upper(): c for c in Credential.objects.select_related("organization")}
    versions = rule_versions()
    _RULES_SNAPSHOT = (now, credentials, versions)
    return credentials, versions


def _catalog_amounts(*, organization: Organization, activities, model) -> dict[str, Decimal]:
    """Catalog amounts of the organization's courses named by approved courses that state no amount."""
    from certifications.rules.engine import course_key

    wanted = {
        course_key(a.get("course_number"))
        for a in activities
        if a["kind"] == "approved_course" and a.get("amount") is None and course_key(a.get("course_number"))
    }
    if not wanted:
        return {}
    with scopes_disabled():
        rows = model.objects.filter(organization=organization, course_number__in=wanted)
        return {row.course_number.upper(): row.amount for row in rows}


def _activity_errors(item, *, params, known, catalog) -> dict[str, str]:
    """What makes one described activity impossible to evaluate (RULES §8), by field."""
    from certifications.rules.engine import course_key

    kind, errors = item["kind"], {}
    amount = item.get("amount")
    if kind in _AMOUNT_REQUIRED and amount is None:
        if kind != "approved_course" or course_key(item.get("course_number")) not in catalog:
            known_number = " and the course number is not in the catalog" if kind == "approved_course" else ""
            errors["amount"] = f"Give the amount in {params.unit}s{known_number}."
    elif kind == "other_org_course" and amount is None and item.get("hours") is None:
        errors["amount"] = "Give the amount the other organization awarded, or the hours."
    elif kind == "petition":
        status = item.get("status")
        if status is None:
            errors["status"] = "Say whether the petition is pending, approved or denied."
        elif status == "approved" and amount is None:
            errors["amount"] = "Give the amount the approved petition grants."
    elif kind == "college_course":
        if item.get("credit_hours") is None:
            errors["credit_hours"] = "Give the course's credit hours."
        rule = params.kind_rule(kind)
        needs_term = rule is not None and rule.per_credit_hour is None and rule.per_semester_hour is not None
        if needs_term and (item.get("term") or "").strip().lower() not in TERMS:
            errors["term"] = "Say whether the credit hours are semester or quarter hours."
    elif kind == "new_certification":
        code = (item.get("new_credential") or "").strip().upper()
        if not code:
            errors["new_credential"] = "Name the new credential earned (for example ACSM-EP)."
        elif code not in known:
            errors["new_credential"] = "No credential has this code."
    return errors


def _calculator_input(item, *, index: int, known, catalog) -> ActivityInput:
    from certifications.rules.engine import course_key

    amount = item.get("amount")
    if amount is None and item["kind"] == "approved_course":
        amount = catalog.get(course_key(item.get("course_number")))
    new = known.get((item.get("new_credential") or "").strip().upper())
    return ActivityInput(
        id=item["id"],
        kind=item["kind"],
        completed_on=item["completed_on"],
        amount=amount,
        hours=item.get("hours"),
        course_number=item.get("course_number") or None,
        awarding_org=item.get("awarding_org") or None,
        credit_hours=item.get("credit_hours"),
        term=item.get("term") or None,
        grade=item.get("grade") or None,
        new_credential=credential_info(new) if new is not None and item["kind"] == "new_certification" else None,
        petition_status=item.get("status"),
        seq=index,
    )
