"""Reads for credits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from accounts.models import Membership, Organization, User
from accounts.tenancy import mfa_satisfied
from audits.selectors import organizations_auditing
from certifications.models import Certification, Cycle
from certifications.rules.engine import course_key, evidence_retained_until, version_in_force
from certifications.rules.params import RETAIN_AFTER_RENEWAL
from certifications.selectors import params_in_force, rule_versions
from credits.models import Activity, ApprovedCourse, Evidence, Petition


def evidence_visible_to(*, user, evidence: Evidence) -> bool:
    """The one access rule for evidence files: the owner, and staff of an organization that has a
    petition on the activity or audits the person (RULES §7). Everyone else must get a 404."""
    if not user.is_authenticated:
        return False
    owner_id = evidence.activity.user_id
    if user.pk == owner_id:
        return True
    with scopes_disabled():
        staff_orgs = {m.organization_id for m in Membership.objects.filter(user=user) if mfa_satisfied(user, m)}
        if not staff_orgs:
            return False
        if Petition.objects.filter(activity_id=evidence.activity_id, organization_id__in=staff_orgs).exists():
            return True
    return bool(staff_orgs & organizations_auditing(person=evidence.activity.user))


def evidence_get_visible(*, user, pk: int) -> Evidence:
    """The evidence row `pk` if `user` may see its file; Http404 otherwise (never confirms it exists)."""
    evidence = Evidence.objects.select_related("activity__user").filter(pk=pk).first()
    if evidence is None or not evidence_visible_to(user=user, evidence=evidence):
        raise Http404("No such file.")
    return evidence


# --- Activities ----------------------------------------------------------------------------------


def activity_list(
    *, user: User, kind: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[Activity]:
    """The person's activities, newest first, optionally filtered by kind and completion dates."""
    qs = Activity.objects.filter(user=user).select_related("new_credential", "provider")
    if kind:
        qs = qs.filter(kind=kind)
    if date_from is not None:
        qs = qs.filter(completed_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(completed_on__lte=date_to)
    with scopes_disabled():
        petitions = Petition.objects.select_related("organization")
    # A correlated count, not a join and GROUP BY: only the rows of the page shown compute it, and the
    # paginator's COUNT(*) leaves it out.
    files = Evidence.objects.filter(activity=OuterRef("pk")).order_by().values("activity").annotate(n=Count("pk"))
    return (
        qs.annotate(evidence_count=Coalesce(Subquery(files.values("n")), 0))
        .prefetch_related(Prefetch("petitions", queryset=petitions))
        .order_by("-completed_on", "-id")
    )


def activity_get(*, user: User, pk: int) -> Activity:
    """One of the person's own activities; another person's (or none) is a 404."""
    activity = Activity.objects.select_related("new_credential").filter(user=user, pk=pk).first()
    if activity is None:
        raise Http404("No such activity.")
    return activity


@dataclass(frozen=True)
class Application:
    """What one activity applies to one certification (in the cycle it falls in), and why, in words."""

    certification: Certification
    cycle_start: date
    cycle_end: date
    full: Decimal
    applied: Decimal
    reason: str | None
    detail: str
    unit: str

    @property
    def label(self) -> str:
        return self.certification.credential.code


def activity_applications(*, user: User, as_of: date | None = None) -> dict[int, list[Application]]:
    """Per activity id, what it applies to each certification the person holds, in the cycle it falls in
    (the current cycle's reason when it falls in none). One evaluation path, a fixed number of queries."""
    from certifications.rules.engine import OUTSIDE_CYCLE
    from certifications.selectors import certifications_of, certifications_progress

    chosen: dict[tuple[int, int], Application] = {}
    progress = certifications_progress(certifications=certifications_of(user=user), as_of=as_of, all_cycles=True)
    for cycle in progress:  # each certification's cycles, oldest first
        for item in cycle.result.activities:
            key = (int(item.id), cycle.certification.pk)
            if key not in chosen or chosen[key].reason == OUTSIDE_CYCLE:
                chosen[key] = _application(cycle, item)
    out: dict[int, list[Application]] = defaultdict(list)
    for (activity_id, _), application in chosen.items():
        out[activity_id].append(application)
    return dict(out)


def activity_applications_stored(
    *, user: User, as_of: date | None = None, activity_ids: Iterable[int] | None = None
) -> dict[int, list[Application]]:
    """`activity_applications` read from the stored statements; with `activity_ids`, only those activities (a
    page of a list), so the cost follows the page shown, not the person's history."""
    from certifications.selectors import certifications_of
    from certifications.statements.selectors import statements_applications

    if activity_ids is not None and not (activity_ids := list(activity_ids)):
        return {}  # an empty page (a filter matching nothing) reads no statement
    certifications = list(certifications_of(user=user))
    out: dict[int, list[Application]] = defaultdict(list)
    for activity_id, cycle, item in statements_applications(
        certifications=certifications, as_of=as_of, activity_ids=activity_ids
    ):
        out[activity_id].append(_application(cycle, item))
    return dict(out)


def _application(cycle, item) -> Application:
    """What one activity (`item`, the engine's AppliedActivity) does for one evaluated cycle."""
    result = cycle.result
    return Application(
        certification=cycle.certification,
        cycle_start=result.cycle.start,
        cycle_end=result.cycle.end,
        full=item.full,
        applied=item.applied,
        reason=item.reason,
        detail=item.detail,
        unit=result.unit,
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change to an activity or its files, with the fields that changed."""

    at: object
    actor: object
    action: str
    changes: list[tuple[str, object, object]]


def activity_history(*, user: User, activity: Activity) -> list[HistoryEntry]:
    """The action-log entries of this activity, its evidence and petitions, newest first."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import ActionLog

    with scopes_disabled():
        entries = list(
            ActionLog.objects.filter(
                subject_user=user,
                content_type=ContentType.objects.get_for_model(Activity),
                object_id=str(activity.pk),
            ).select_related("actor")
            | ActionLog.objects.filter(subject_user=user, data__after__activity=activity.pk).select_related("actor")
            | ActionLog.objects.filter(subject_user=user, data__before__activity=activity.pk).select_related("actor")
        )
    out = []
    for entry in entries:
        before, after = entry.data.get("before") or {}, entry.data.get("after") or {}
        changes = [
            (name, before.get(name), after.get(name))
            for name in dict.fromkeys([*before, *after])
            if before.get(name) != after.get(name) and name != "activity"
        ]
        out.append(HistoryEntry(entry.created_at, entry.actor, entry.action_label, changes))
    return out


# --- Approved-course catalog ---------------------------------------------------------------------

OK, EMPTY, MALFORMED, UNKNOWN = "ok", "empty", "malformed", "unknown"


@dataclass(frozen=True)
class CourseLookup:
    """The answer to "what is course number X of organization O?"."""

    status: str  # ok / empty / malformed / unknown
    number: str  # normalized (course_key)
    course: ApprovedCourse | None
    message: str
    unit: str = "CEC"  # the organization's, for "0.3 CECs"


def course_lookup(*, number: str, organization: Organization, on: date | None = None) -> CourseLookup:
    """Look a course number up in the organization's catalog, after checking its course-number format."""
    key = course_key(number)
    if not key:
        return CourseLookup(EMPTY, key, None, "")
    params = params_in_force(organization_id=organization.pk, on=on or timezone.localdate())
    unit = params.unit if params is not None else "CEC"
    if params is not None:
        regex = params.course_number_regex
        if regex is not None and not regex.fullmatch(key):
            example = params.course_number_example or "the one on your certificate"
            return CourseLookup(
                MALFORMED,
                key,
                None,
                f"{key} is not an {organization.short_name} course number (expected a pattern like {example}).",
                unit,
            )
    with scopes_disabled():
        course = ApprovedCourse.objects.filter(organization=organization, course_number=key, is_retired=False).first()
    if course is None:
        return CourseLookup(
            UNKNOWN,
            key,
            None,
            f"{key} is not in {organization.short_name}'s catalog of approved courses. "
            f"Check the number on your certificate, or enter the title and {unit}s yourself.",
            unit,
        )
    return CourseLookup(OK, key, course, f"{course.title}: {course.amount} {unit}s.", unit)


# --- Evidence retention --------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionHold:
    """Why evidence of an activity must be kept: until `until`, or until a renewal not yet made."""

    organization: str
    until: date | None  # None: until a year (or so) after a renewal that has not happened yet
    explanation: str


def evidence_retention(*, activity: Activity, today: date | None = None) -> list[RetentionHold]:
    """Every organization rule that still covers the evidence of `activity` today (RULES §4, §5).

    A rule covers it when the person holds a certification of that organization whose cycle window
    contains the completion date; ACE keeps 4 years after completion, ACSM 1 year after the renewal."""
    today = today or timezone.localdate()
    with scopes_disabled():
        cycles = list(
            Cycle.objects.filter(
                certification__user_id=activity.user_id,
                start__lte=activity.completed_on,
            )
            .select_related("certification__credential__organization", "renewal")
            .order_by("start")
        )
        org_ids = list({c.certification.credential.organization_id for c in cycles})
        versions = rule_versions(organization_ids=org_ids) if org_ids else {}
    holds: dict[int, RetentionHold] = {}
    for cycle in cycles:
        if activity.completed_on > (cycle.grace_until or cycle.end):
            continue
        org = cycle.certification.credential.organization
        if org.pk not in versions:
            continue
        params = version_in_force(versions=versions[org.pk], on=activity.completed_on).params
        renewal = getattr(cycle, "renewal", None) if _has_renewal(cycle) else None
        renewed_on = timezone.localdate(renewal.submitted_at) if renewal is not None else None
        until = evidence_retained_until(params=params, completed_on=activity.completed_on, renewed_on=renewed_on)
        retention = params.evidence_retention
        if retention is None:
            continue
        if until is None and retention.after == RETAIN_AFTER_RENEWAL:
            hold = RetentionHold(
                org.short_name,
                None,
                f"{org.short_name} requires keeping it {_years(retention.years)} after the renewal of the "
                f"{cycle.certification.credential.code} cycle ending {date_format(cycle.end)}, "
                "which is not recorded yet.",
            )
        elif until is not None and until >= today:
            after = (
                "completion" if retention.after != RETAIN_AFTER_RENEWAL else f"the renewal on {date_format(renewed_on)}"
            )
            hold = RetentionHold(
                org.short_name,
                until,
                f"{org.short_name} requires keeping it {_years(retention.years)} after {after}: "
                f"until {date_format(until)}.",
            )
        else:
            continue
        current = holds.get(org.pk)
        if current is None or current.until is not None and (hold.until is None or hold.until > current.until):
            holds[org.pk] = hold
    return list(holds.values())


def _years(count: int) -> str:
    return f"{count} year" if count == 1 else f"{count} years"


def _has_renewal(cycle: Cycle) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        cycle.renewal  # noqa: B018
    except ObjectDoesNotExist:
        return False
    return True


def retention_summary(holds: list[RetentionHold]) -> str:
    """One sentence for the page: until when evidence must be kept, or empty when nothing holds it."""
    if not holds:
        return ""
    if any(h.until is None for h in holds):
        return "Keep this evidence: " + " ".join(h.explanation for h in holds)
    latest = max(h.until for h in holds if h.until is not None)
    return f"Keep this evidence until {date_format(latest)}: " + " ".join(h.explanation for h in holds)


# --- Petitions -----------------------------------------------------------------------------------


def petition_list(*, user: User) -> QuerySet[Petition]:
    """The person's petitions to every organization, newest first."""
    with scopes_disabled():
        return Petition.objects.filter(activity__user=user).select_related("organization", "activity")


def petition_organizations(*, user: User, activity: Activity, applications=None) -> list[Organization]:
    """Organizations the person could petition for this activity: those of their certifications whose rules
    do not approve it (`not_approved`, where a petition may help) and that have no petition on it yet.

    A petition to an organization that already credits the activity would only hold its credit back while
    pending. Pass `applications` (this activity's, from `activity_applications`) when already computed."""
    if applications is None:
        applications = activity_applications(user=user).get(activity.pk, [])
    refusing = {a.certification.credential.organization_id for a in applications if a.reason == "not_approved"}
    with scopes_disabled():
        org_ids = refusing - set(Petition.objects.filter(activity=activity).values_list("organization_id", flat=True))
        orgs = list(Organization.objects.filter(pk__in=org_ids).order_by("short_name"))
    if activity.kind == "approved_course":
        orgs = [o for o in orgs if o.short_name.casefold() != (activity.awarding_org or "").strip().casefold()]
    return orgs


@dataclass(frozen=True)
class AmountPreview:
    credential: str  # display code, e.g. "ACSM-CPT"
    full: Decimal  # what the activity is worth to it, in its unit, before caps
    unit: str
    detail: str  # the engine's words: "1.5 from NASM (0.1 per hour, converted at 1 CEC per hour): 15.00 CECs."


def amount_preview(*, user: User, activity: Activity) -> list[AmountPreview]:
    """What an activity not yet saved is worth to each of the person's certifications, in each one's unit,
    said by the rules engine itself, so "1.5 CEUs from NASM = 15.00 ACSM CECs" is no surprise after saving."""
    from certifications.rules.engine import evaluate
    from certifications.selectors import activity_input, credential_info

    day = activity.completed_on or timezone.localdate()
    with scopes_disabled():
        certifications = list(
            Certification.objects.filter(user=user)
            .select_related("credential__organization")
            .prefetch_related(Prefetch("cycles", queryset=Cycle.objects.order_by("start")))
        )
        versions = rule_versions(organization_ids=sorted({c.credential.organization_id for c in certifications}))
    out = []
    for certification in certifications:
        organization = certification.credential.organization
        cycles = list(certification.cycles.all())
        if not cycles or organization.pk not in versions:
            continue
        cycle = next((c for c in reversed(cycles) if c.start <= day), cycles[0])
        act = activity_input(activity, organization=organization)
        result = evaluate(
            credential=credential_info(certification.credential),
            cycle_start=cycle.start,
            as_of=day,
            versions=versions[organization.pk],
            activities=[act],
        )
        applied = result.activities[0]
        out.append(AmountPreview(certification.display_code, applied.full, result.unit, applied.detail))
    return out
