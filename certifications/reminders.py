"""The daily reminder sweep: what each certification's holder must be told today, and the staff digest.

When a reminder is due (RULES §3 dates, from the engine's result for the current cycle):

| kind | due on | sent while (catch-up window) |
| --- | --- | --- |
| cycle_ending, T = 180/90/30/7 | end − T days, requirements not met | T ≥ days left > next threshold (7: to the end) |
| grace_started | the day after the end (ACSM, not renewed) | until the grace-ending reminder is due |
| grace_ending | grace end − 30 days | until the grace end |
| lapsed | the day after the grace end (ACE without grace: after the end, "expired") | 30 days |
| cpr_expiring | CPR/AED date − 90 days (unknown date: end − 90), when it is not valid on the end date | until the end |

Policy: each reminder is identified by its due date in the ledger (user, kind, "cycle:<id>", due
date), so it is sent at most once, whenever the sweep runs. A sweep that misses the due day (beat
down, worker lost) still sends it on a later day inside its window, once; past the window a newer
reminder has taken over and the stale one is skipped (nobody needs "180 days left" with 89 left).
Running the sweep twice for one day, or again after a crash, adds nothing: the ledger's unique key
turns every repeat into a no-op and `notifications_pending_enqueue` re-sends what a crash left pending.
"""

from collections import defaultdict, namedtuple
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from celery import group, shared_task
from django.db import OperationalError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from accounts.models import Membership
from accounts.notifications.services import (
    Recipient,
    Request,
    notifications_pending_enqueue,
    notifications_recorded,
    notify_many,
)
from cectracker.lookups import AnyOf
from certifications.models import Certification, Credential, Cycle
from certifications.rules.engine import (
    EXPIRED,
    GRACE,
    IN_PROGRESS,
    LAPSED,
    REQUIREMENTS_MET,
    CycleResult,
    cycle_for,
    cycle_status,
    version_in_force,
)
from certifications.rules.engine import Cycle as EngineCycle
from certifications.selectors import Progress, rule_versions
from certifications.statements.services import _needing_refresh, statements_refresh

THRESHOLDS = (180, 90, 30, 7)
GRACE_ENDING_DAYS = 30
LAPSED_WINDOW_DAYS = 30
CPR_NOTICE_DAYS = 90
BATCH_SIZE = 1000


def reminders_sweep(*, as_of: date | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Run the whole daily sweep for `as_of` (today by default): reminders, staff digests, and a
    re-enqueue of emails left pending by an earlier crash. Returns counts for logs and operators."""
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    stats = certification_reminders_send(as_of=as_of, batch_size=batch_size)
    stats["digests"] = staff_digest_send(as_of=as_of)
    stats["requeued"] = notifications_pending_enqueue(created_before=started)
    return stats


def certification_reminders_send(*, as_of: date, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Decide and record every certification reminder due on `as_of`, in batches of `batch_size`
    certifications: one transaction and a fixed number of queries per batch.

    A certification whose every possible reminder today (by its dates alone) is already in the ledger
    is not evaluated at all: on most days most candidates were told on an earlier day of their window."""
    candidates = _candidates(as_of=as_of)
    stats = {"candidates": len(candidates), "skipped": 0, "decided": 0, "created": 0}
    shared = _batch_shared()
    for batch in _chunks(candidates, batch_size):
        for name, value in certification_reminders_batch(as_of=as_of, batch=batch, shared=shared).items():
            stats[name] += value
    return stats


def _batch_shared() -> tuple:
    """What every batch reads: the link maker, the credentials and the published rules (a handful of rows)."""
    with scopes_disabled():
        credentials = {c.pk: c for c in Credential.objects.select_related("organization")}
        versions = rule_versions()
    return _certification_link(), credentials, versions


def certification_reminders_batch(
    *, as_of: date, batch: list[tuple[int, int, date]], shared: tuple | None = None
) -> dict[str, int]:
    """Decide and record the reminders of one batch of candidates (certification, cycle, start), in one
    transaction and a fixed number of queries, from the stored statements. Safe to repeat: the ledger's
    unique key makes a retried or redelivered batch add nothing."""
    link, credentials, versions = shared or _batch_shared()
    stats = {"skipped": 0, "decided": 0, "created": 0}
    with transaction.atomic(), scopes_disabled():
        # The certifications and their holders as the few values deciding reads, in one query, instead of
        # 1,000 model instances with their users per batch.
        holders = {
            row[0]: row
            for row in Certification.objects.filter(AnyOf(F("pk"), [cert_id for cert_id, _, _ in batch]))
            .order_by()  # into a dict: the model's order joined the credential and organization to sort them
            .values_list(
                "pk",
                "user_id",
                "credential_id",
                "cpr_aed_valid_until",
                "user__email",
                "user__is_active",
                "user__notification_preferences",
            )
        }
        recorded = notifications_recorded(
            user_ids={row[1] for row in holders.values()},
            keys=[f"cycle:{cycle_id}" for _, cycle_id, _ in batch],
        )
        users, to_evaluate = {}, []
        for cert_id, cycle_id, start in batch:
            if cert_id not in holders:
                continue
            _, user_id, credential_id, cpr_aed_valid_until, email, is_active, preferences = holders[cert_id]
            organization_id = credentials[credential_id].organization_id
            params = version_in_force(versions=versions[organization_id], on=start).params
            possible = _possible(
                cpr_aed_valid_until=cpr_aed_valid_until, cycle=cycle_for(start=start, params=params), as_of=as_of
            )
            key = f"cycle:{cycle_id}"
            if all((user_id, kind, key, due_on) in recorded for kind, due_on in possible):
                stats["skipped"] += 1
                continue
            to_evaluate.append(Held(cert_id, user_id, credential_id, cpr_aed_valid_until))
            users[user_id] = Recipient(user_id, email, is_active, preferences)
        requests = [
            request
            for progress in certifications_progress(certifications=to_evaluate, as_of=as_of)
            for request in reminders_for(
                progress=progress, as_of=as_of, link=link, user=users[progress.certification.user_id]
            )
        ]
        stats["decided"] += len(requests)
        # What the ledger already holds is left out, so a repeated sweep renders nothing; the INSERT's
        # ON CONFLICT stays the guarantee against a concurrent sweep.
        new = [r for r in requests if (r.user.pk, r.kind, r.key, r.due_on) not in recorded]
        stats["created"] += len(notify_many(requests=new))
    return stats


# What deciding reads of a certification and of its cycle, as plain tuples: a model instance per certification
# and per cycle (40,000 a sweep of 20,000) cost more than reading them.
Held = namedtuple("Held", "pk user_id credential_id cpr_aed_valid_until")
CycleRef = namedtuple("CycleRef", "pk certification_id recorded_status")

_STORED = (
    "certification_id",
    "pk",
    "recorded_status",
    "statement__pk",
    "statement__stale",
    "statement__start",
    "statement__end",
    "statement__grace_until",
    "statement__credential",
    "statement__organization",
    "statement__unit",
    "statement__required",
    "statement__earned",
    "statement__cpr_aed_ok",
)


def certifications_progress(*, certifications: list[Held], as_of: date) -> list[Progress]:
    """The current cycle of each certification from its stored statement, read as plain values in one query:
    what `statements_progress` answers for the fields a reminder reads (dates, totals, status; no activity
    lines), without building a cycle, a statement and a result object per certification through the ORM. Each
    `Progress` carries a `Held` and a `CycleRef` where a page's carries models: `reminders_for` reads their fields.

    A missing or stale statement (a publish not yet recomputed) is recomputed first, as every read does."""
    if not certifications:
        return []
    ids = [c.pk for c in certifications]
    with scopes_disabled():
        rows = _stored(ids)
        if any(row[3] is None or row[4] for row in rows.values()):
            statements_refresh(certification_ids=_needing_refresh(ids), stale_only=True)
            rows = _stored(ids)
    out = []
    for certification in certifications:
        row = rows.get(certification.pk)
        if row is None:
            continue
        _, cycle_id, recorded_status, _, _, start, end, grace_until, credential, organization, unit = row[:11]
        required, earned, cpr_aed_ok = row[11:]
        cycle = EngineCycle(start, end, grace_until)
        status = cycle_status(
            cycle=cycle, as_of=as_of, met=earned >= required and cpr_aed_ok, recorded_status=recorded_status or None
        )
        result = CycleResult(
            credential=credential,
            organization=organization,
            cycle=cycle,
            required=required,
            earned=earned,
            remaining=max(required - earned, Decimal("0.00")),
            status=status,
            activities=(),
            unit=unit,
            cpr_aed_ok=cpr_aed_ok,
        )
        out.append(Progress(certification, CycleRef(cycle_id, certification.pk, recorded_status), result))
    return out


def _stored(certification_ids: list[int]) -> dict[int, tuple]:
    """Per certification, its latest cycle with the stored statement's values (one query)."""
    rows = Cycle.objects.filter(AnyOf(F("certification_id"), certification_ids)).order_by("certification_id", "start")
    return {row[0]: row for row in rows.values_list(*_STORED)}  # the latest start stays


def reminder_candidate_ids(*, as_of: date) -> list[int]:
    """Certifications whose current cycle's dates put `as_of` inside some reminder window (one query).

    A date filter only: whether a reminder is really due (credits, CPR/AED) is the engine's answer."""
    return [cert_id for cert_id, _, _ in _candidates(as_of=as_of)]


def _candidates(*, as_of: date, first: int | None = None, last: int | None = None) -> list[tuple[int, int, date]]:
    """(certification id, current cycle id, its start) of every candidate, by certification id (one query);
    only certification ids `first` to `last` when given (one batch of the fanned-out sweep)."""
    with scopes_disabled():  # every organization's certifications, on purpose
        # The CPR/AED date as a subquery, not a join: joined, the planner read all 100,000 certifications to
        # find a batch's 1,000 (16 ms a batch, 4 ms so).
        cpr_ending = Certification.objects.filter(
            pk=OuterRef("certification_id"), cpr_aed_valid_until__lte=as_of + timedelta(days=CPR_NOTICE_DAYS)
        )
        window = (
            Q(end__gte=as_of, end__lte=as_of + timedelta(days=THRESHOLDS[0]))
            | Q(end__lt=as_of, grace_until__isnull=False, grace_until__gte=as_of - timedelta(days=LAPSED_WINDOW_DAYS))
            | Q(end__lt=as_of, grace_until__isnull=True, end__gte=as_of - timedelta(days=LAPSED_WINDOW_DAYS))
            | Q(Exists(cpr_ending), end__gte=as_of)
        )
        later = Cycle.objects.filter(certification_id=OuterRef("certification_id"), start__gt=OuterRef("start"))
        rows = Cycle.objects.filter(window, recorded_status="").exclude(Exists(later))
        if first is not None:
            rows = rows.filter(certification_id__gte=first, certification_id__lte=last)
        return list(rows.order_by("certification_id").values_list("certification_id", "pk", "start"))


def _possible(*, cpr_aed_valid_until: date | None, cycle: EngineCycle, as_of: date) -> list[tuple[str, date]]:
    """Every (kind, due date) `reminders_for` could decide today for this cycle, whatever its credits and
    CPR/AED: the dates alone fix the status after the end, and at most "in progress" before it."""
    status = cycle_status(cycle=cycle, as_of=as_of, met=False)
    return [
        (kind, due_on)
        for kind, due_on, _ in _due(
            status=status,
            cycle=cycle,
            cpr_aed_ok=False,
            cpr_aed_valid_until=cpr_aed_valid_until,
            as_of=as_of,
        )
    ]


def reminders_for(*, progress: Progress, as_of: date, link=None, user=None) -> list[Request]:
    """The reminders due on `as_of` for one evaluated certification (pure: no queries once `user`,
    the recipient, is given; the certification's holder by default)."""
    certification, result = progress.certification, progress.result
    cycle, status = result.cycle, result.status
    due = _due(
        status=status,
        cycle=cycle,
        cpr_aed_ok=result.cpr_aed_ok,
        cpr_aed_valid_until=certification.cpr_aed_valid_until,
        as_of=as_of,
    )
    if not due:
        return []
    context = {
        "credential": result.credential,
        "organization": result.organization,
        "cycle_start": _day(cycle.start),
        "cycle_end": _day(cycle.end),
        "grace_until": _day(cycle.grace_until) if cycle.grace_until else None,
        "required": str(result.required),
        "earned": str(result.earned),
        "remaining": str(result.remaining),
        "unit": result.unit,
        "cpr_aed_ok": result.cpr_aed_ok,
        "cpr_aed_valid_until": _day(certification.cpr_aed_valid_until) if certification.cpr_aed_valid_until else None,
        "status": status,
        "url": (link or _certification_link())(certification.pk),
    }
    user = user if user is not None else certification.user
    key = f"cycle:{progress.cycle.pk}"
    return [
        Request(user=user, kind=kind, key=key, due_on=due_on, context={**context, **extra})
        for kind, due_on, extra in due
    ]


def _due(
    *, status: str, cycle: EngineCycle, cpr_aed_ok: bool, cpr_aed_valid_until: date | None, as_of: date
) -> list[tuple[str, date, dict]]:
    """(kind, due date, extra context) of each reminder due on `as_of` for a cycle in `status` (the policy)."""
    due: list[tuple[str, date, dict]] = []
    days_left = (cycle.end - as_of).days
    if status == IN_PROGRESS:
        for threshold, next_threshold in zip(THRESHOLDS, THRESHOLDS[1:] + (-1,), strict=True):
            if next_threshold < days_left <= threshold:
                extra = {"threshold": threshold, "days_left": days_left}
                due.append(("cycle_ending", cycle.end - timedelta(days=threshold), extra))
                break
    if status in (IN_PROGRESS, REQUIREMENTS_MET) and not cpr_aed_ok:
        cpr_due = (cpr_aed_valid_until or cycle.end) - timedelta(days=CPR_NOTICE_DAYS)
        if cpr_due <= as_of:
            due.append(("cpr_expiring", cpr_due, {"days_left": days_left}))
    if status == GRACE:
        grace_ending = cycle.grace_until - timedelta(days=GRACE_ENDING_DAYS)
        days_to_lapse = (cycle.grace_until - as_of).days
        if as_of < grace_ending:
            due.append(("grace_started", cycle.end + timedelta(days=1), {"days_to_lapse": days_to_lapse}))
        else:
            due.append(("grace_ending", grace_ending, {"days_to_lapse": days_to_lapse}))
    if status == LAPSED and as_of <= cycle.grace_until + timedelta(days=LAPSED_WINDOW_DAYS):
        due.append(("lapsed", cycle.grace_until + timedelta(days=1), {"expired": False}))
    if status == EXPIRED and as_of <= cycle.end + timedelta(days=LAPSED_WINDOW_DAYS):
        due.append(("lapsed", cycle.end + timedelta(days=1), {"expired": True}))
    return due


def staff_digest_send(*, as_of: date) -> int:
    """One digest per staff member for `as_of`: petitions still pending that arrived on the day
    before, and audits awaiting review, per organization (a fixed number of queries)."""
    from audits.selectors import audits_awaiting_review
    from credits.models import Petition

    until = timezone.make_aware(datetime.combine(as_of, time.min))
    since = until - timedelta(days=1)
    with scopes_disabled():
        memberships = list(Membership.objects.select_related("user", "organization").order_by("user_id"))
        org_ids = sorted({m.organization_id for m in memberships})
        new_petitions = dict(
            Petition.objects.filter(
                status=Petition.PENDING, created_at__gte=since, created_at__lt=until, organization_id__in=org_ids
            )
            .values_list("organization_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        audits = audits_awaiting_review(organization_ids=org_ids) if org_ids else {}
    per_user: dict[int, list[Membership]] = defaultdict(list)
    for membership in memberships:
        if new_petitions.get(membership.organization_id) or audits.get(membership.organization_id):
            per_user[membership.user_id].append(membership)
    requests = []
    for user_memberships in per_user.values():
        organizations = [
            {
                "name": m.organization.short_name,
                "new_petitions": new_petitions.get(m.organization_id, 0),
                "audits_awaiting_review": audits.get(m.organization_id, 0),
                "petitions_url": _org_link("org_petitions", m.organization.slug),
                "audits_url": _org_link("org_audits", m.organization.slug),
            }
            for m in user_memberships
        ]
        first = organizations[0]
        requests.append(
            Request(
                user=user_memberships[0].user,
                kind="staff_digest",
                key="digest",
                due_on=as_of,
                context={
                    "day": _day(as_of - timedelta(days=1)),
                    "organizations": organizations,
                    "new_petitions": sum(o["new_petitions"] for o in organizations),
                    "audits_awaiting_review": sum(o["audits_awaiting_review"] for o in organizations),
                    "url": first["petitions_url"] if first["new_petitions"] else first["audits_url"],
                },
            )
        )
    with transaction.atomic():
        return len(notify_many(requests=requests))


def _certification_link():
    """`certification_detail` when that page exists, the dashboard otherwise (resolved once per sweep:
    the path around a sample id is reused, since reversing 100,000 times costs seconds)."""
    try:
        sample = reverse("certification_detail", args=[_SAMPLE_PK])
    except NoReverseMatch:
        dashboard = reverse("dashboard")
        return lambda pk: dashboard
    if sample.count(str(_SAMPLE_PK)) != 1:
        return lambda pk: reverse("certification_detail", args=[pk])
    before, after = sample.split(str(_SAMPLE_PK))
    return lambda pk: f"{before}{int(pk)}{after}"


_SAMPLE_PK = 987654321


def _org_link(name: str, slug: str) -> str:
    try:
        return reverse(name, args=[slug])
    except NoReverseMatch:
        return reverse("org_home", args=[slug])


@lru_cache(maxsize=4096)
def _day(value: date) -> str:
    return date_format(value)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ranges(candidates: list[tuple[int, int, date]], size: int) -> list[tuple[int, int]]:
    """(first, last) certification id of each batch of `size` candidates (they come by certification id)."""
    return [(chunk[0][0], chunk[-1][0]) for chunk in _chunks(candidates, size)]


# Celery tasks: thin, take ids, call the service above. Each keeps the name it was first
# published under, because beat rows and queued messages carry it.
@shared_task(name="certifications.tasks.reminders_sweep_task", acks_late=True)
def reminders_sweep_task(*, as_of: str | None = None) -> dict[str, int]:
    """The daily sweep (django-celery-beat); `as_of` is an ISO date, today by default. Safe to run twice.
    Fans the certifications out over the workers in batches (see `reminders_sweep_fanout`)."""
    return reminders_sweep_fanout(as_of=date.fromisoformat(as_of) if as_of else None)


@shared_task(
    name="certifications.tasks.reminders_batch_task",
    acks_late=True,
    reject_on_worker_lost=True,  # a worker killed mid-batch: the batch goes back to the queue, redone once
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def reminders_batch_task(
    *, as_of: str, first: int | None = None, last: int | None = None, batch: list[list] | None = None
) -> dict[str, int]:
    """One batch of the sweep: the candidates among certification ids `first` to `last`, found here (or, as
    published before ranges, `batch`: [certification id, cycle id, ISO start] each). Safe to repeat (the ledger)."""
    day = date.fromisoformat(as_of)
    if batch is None:
        rows = _candidates(as_of=day, first=first, last=last)
    else:
        rows = [(cert_id, cycle_id, date.fromisoformat(start)) for cert_id, cycle_id, start in batch]
    return certification_reminders_batch(as_of=day, batch=rows)


def reminders_sweep_fanout(*, as_of: date | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """The daily sweep spread over Celery workers: one task per batch of candidates (a group: any worker on
    any host takes the next batch), then the staff digests and the re-enqueue of what a crash left pending.

    A batch is sent as the first and last certification id of its candidates, and finds them itself: sending
    1,000 candidates a message took a second of the 100,000 sweep before any worker could start.

    Each reminder is still recorded exactly once: a batch that is retried or redelivered after a worker died
    finds its reminders in the ledger (unique key, INSERT ... ON CONFLICT) and adds nothing."""
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    candidates = _candidates(as_of=as_of)
    batches = _ranges(candidates, batch_size)
    if batches:
        group(
            reminders_batch_task.s(as_of=as_of.isoformat(), first=first, last=last) for first, last in batches
        ).apply_async()
    return {
        "candidates": len(candidates),
        "batches": len(batches),
        "digests": staff_digest_send(as_of=as_of),
        "requeued": notifications_pending_enqueue(created_before=started),
    }
