"""Writes of the statement store: recompute cycles through the one engine and keep the rows in step.

Every write that can change a result marks the statements it touches stale and recomputes them in its own
transaction (`statements_refresh`), under a lock on the certification rows, so two writes at once cannot
leave an old answer behind: the second waits for the first to commit, then evaluates what both wrote.
A rule-set publish marks the organization's statements stale and recomputes them in Celery batches;
until a batch reaches a statement, reads recompute it on demand (see `selectors.py`)."""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal

from celery import shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scopes_disabled

from certifications.forecast import weekly
from certifications.models import Certification
from certifications.rules.engine import OUTSIDE_CYCLE
from certifications.selectors import Progress, certifications_progress
from certifications.statements.models import CycleStatement, StatementCourse, StatementLine

logger = logging.getLogger(__name__)

REFRESH_BATCH = 500  # certifications per Celery batch after a publish, and per batch of `statements_verify`
_LINE_FIELDS = ("completed_on", "full", "applied", "reason", "detail")


def _lock(certification_ids: Iterable[int] = (), *, user_id: int | None = None) -> list[Certification]:
    """Lock these certification rows (or all of the person's), in id order, so two writers never wait on each
    other in a circle."""
    with scopes_disabled():
        rows = Certification.objects.filter(pk__in=list(certification_ids))
        if user_id is not None:
            rows = Certification.objects.filter(user_id=user_id)
        return list(rows.select_related("credential__organization").select_for_update(of=("self",)).order_by("pk"))


def _certification_ids(*, user_ids: Iterable[int] = (), certification_ids: Iterable[int] = ()) -> set[int]:
    ids = set(certification_ids)
    user_ids = set(user_ids)
    if user_ids:
        with scopes_disabled():
            ids.update(Certification.objects.filter(user_id__in=user_ids).values_list("pk", flat=True))
    return ids


def statements_mark_stale(*, user_ids: Iterable[int] = (), certification_ids: Iterable[int] = ()) -> list[int]:
    """Mark the statements of these people's (or these) certifications stale, in the caller's transaction;
    returns the certification ids (to recompute, e.g. with `statements_recompute_enqueue`)."""
    ids = sorted(_certification_ids(user_ids=user_ids, certification_ids=certification_ids))
    if ids:
        with transaction.atomic(), scopes_disabled():
            _lock(ids)
            CycleStatement.objects.filter(certification_id__in=ids, stale=False).update(stale=True)
    return ids


def statements_refresh(
    *, user_ids: Iterable[int] = (), certification_ids: Iterable[int] = (), stale_only: bool = False
) -> int:
    """Recompute every cycle of these people's (or these) certifications and store the results, under a lock
    on the certification rows; with `stale_only`, only certifications with a stale or missing statement.
    Returns the number of statements written. Runs in the caller's transaction when there is one."""
    ids = _certification_ids(user_ids=user_ids, certification_ids=certification_ids)
    if not ids:
        return 0
    with transaction.atomic(), scopes_disabled():
        certifications = _lock(ids)
        if stale_only:
            wanted = set(_needing_refresh([c.pk for c in certifications]))
            certifications = [c for c in certifications if c.pk in wanted]
        if not certifications:
            return 0
        progress = certifications_progress(certifications=certifications, all_cycles=True)
        return _store(progress)


def _needing_refresh(certification_ids: list[int]) -> list[int]:
    """Of these certifications, those with a cycle whose statement is stale or missing (one query)."""
    from certifications.models import Cycle

    with scopes_disabled():
        return list(
            Cycle.objects.filter(certification_id__in=certification_ids)
            .filter(statement__isnull=True)
            .values_list("certification_id", flat=True)
            .union(
                CycleStatement.objects.filter(certification_id__in=certification_ids, stale=True).values_list(
                    "certification_id", flat=True
                )
            )
        )


def _weekly(progress: Progress) -> list[list[str]]:
    """What the cycle's counted activities applied, added up per week of the cycle (the dashboard's chart)."""
    result = progress.result
    last_day = result.cycle.grace_until or result.cycle.end
    amounts = []
    for item in result.activities:
        day = progress.completed_on.get(item.id)
        if day is not None and item.applied > 0 and result.cycle.start <= day <= last_day:
            amounts.append((day, item.applied))
    return _weeks_json(weekly(start=result.cycle.start, amounts=amounts))


def _weeks_json(weeks: list[tuple[date, Decimal]]) -> list[list[str]]:
    return [[day.isoformat(), str(amount)] for day, amount in weeks]


def _store(progress: list[Progress]) -> int:
    """Write the evaluated cycles: statements created or updated, lines added, changed or removed (a diff, so
    logging one activity rewrites one line, not the cycle's history). Bulk queries, whatever the number."""
    now = timezone.now()
    existing = {s.cycle_id: s for s in CycleStatement.objects.filter(cycle_id__in=[p.cycle.pk for p in progress])}
    existing_before = {s.pk: _stored_values(s) for s in existing.values()}
    new_statements, changed = [], []
    for item in progress:
        result = item.result
        values = {
            "certification_id": item.certification.pk,
            "start": result.cycle.start,
            "end": result.cycle.end,
            "grace_until": result.cycle.grace_until,
            "credential": result.credential,
            "organization": result.organization,
            "unit": result.unit,
            "required": result.required,
            "earned": result.earned,
            "cpr_aed_ok": result.cpr_aed_ok,
            "status": result.status,
            "weekly": _weekly(item),
            "engine_state": _without_courses(result.state),
            "computed_at": now,
            "stale": False,
        }
        statement = existing.get(item.cycle.pk)
        if statement is None:
            new_statements.append(CycleStatement(cycle_id=item.cycle.pk, version=1, **values))
        else:
            for name, value in values.items():
                setattr(statement, name, value)
            changed.append(statement)
    CycleStatement.objects.bulk_create(new_statements)
    if changed:
        # Most recomputations change nothing (a publish, a write to another cycle): those rows only get a new
        # version and time in one UPDATE; the few that changed are written in full.
        differ = [s for s in changed if _stored_values(s) != existing_before[s.pk]]
        if differ:
            _update(CycleStatement, differ, [*_STATEMENT_FIELDS])
        CycleStatement.objects.filter(pk__in=[s.pk for s in changed]).update(
            version=F("version") + 1, computed_at=now, stale=False
        )
    by_cycle = {s.cycle_id: s.pk for s in [*new_statements, *changed]}
    _store_lines(progress, by_cycle)
    _store_courses(progress, by_cycle)
    return len(progress)


def _without_courses(state: dict | None) -> dict | None:
    """The engine state as the statement row keeps it: its credited courses live in `StatementCourse`."""
    return None if state is None else {name: value for name, value in state.items() if name != "courses"}


def _store_courses(progress: list[Progress], by_cycle: dict[int, int]) -> None:
    wanted = {
        (by_cycle[item.cycle.pk], course): date.fromisoformat(day)
        for item in progress
        for course, day in (item.result.state or {}).get("courses", {}).items()
    }
    stored = {
        (statement_id, course): (pk, day)
        for pk, statement_id, course, day in StatementCourse.objects.filter(
            statement_id__in=list(by_cycle.values())
        ).values_list("pk", "statement_id", "course", "first_day")
    }
    gone = [pk for key, (pk, day) in stored.items() if wanted.get(key) != day]
    if gone:
        StatementCourse.objects.filter(pk__in=gone).delete()
    StatementCourse.objects.bulk_create(
        [
            StatementCourse(statement_id=statement_id, course=course, first_day=day)
            for (statement_id, course), day in wanted.items()
            if stored.get((statement_id, course), (None, None))[1] != day
        ],
        batch_size=2000,
    )


_STATEMENT_FIELDS = (
    "certification_id",
    "start",
    "end",
    "grace_until",
    "credential",
    "organization",
    "unit",
    "required",
    "earned",
    "cpr_aed_ok",
    "status",
    "weekly",
    "engine_state",
    "computed_at",
    "stale",
)


def _stored_values(statement: CycleStatement) -> tuple:
    """What a statement says (not when it was computed)."""
    return tuple(getattr(statement, name) for name in _STATEMENT_FIELDS if name not in ("computed_at", "stale"))


def _store_lines(progress: list[Progress], by_cycle: dict[int, int]) -> None:
    wanted: dict[tuple[int, int], tuple] = {}
    for item in progress:
        statement_id = by_cycle[item.cycle.pk]
        for applied in item.result.activities:
            if applied.reason == OUTSIDE_CYCLE:
                continue
            activity_id = int(applied.id)
            wanted[(statement_id, activity_id)] = (
                item.completed_on[applied.id],
                applied.full,
                applied.applied,
                applied.reason or "",
                applied.detail,
            )
    stored = {
        (statement_id, activity_id): (pk, rest)
        for pk, statement_id, activity_id, *rest in StatementLine.objects.filter(
            statement_id__in=list(by_cycle.values())
        ).values_list("pk", "statement_id", "activity_id", *_LINE_FIELDS)
    }
    gone = [pk for key, (pk, _) in stored.items() if key not in wanted]
    create, update = [], []
    for (statement_id, activity_id), values in wanted.items():
        old = stored.get((statement_id, activity_id))
        if old is None:
            create.append(StatementLine(statement_id=statement_id, activity_id=activity_id, **_line(values)))
        elif tuple(old[1]) != values:
            update.append(StatementLine(pk=old[0], **_line(values)))
    if gone:
        StatementLine.objects.filter(pk__in=gone).delete()
    StatementLine.objects.bulk_create(create, batch_size=2000)
    if update:
        StatementLine.objects.bulk_update(update, list(_LINE_FIELDS), batch_size=1000)


def _line(values: tuple) -> dict:
    return dict(zip(_LINE_FIELDS, values, strict=True))


# --- Keeping in step: every write that can change a result recomputes what it touches ---------------------


class _Pending:
    """What the writes of one `statements_deferred` block touched: people, certifications, and activities
    just recorded (which the stored statements may take in without evaluating the history again)."""

    def __init__(self) -> None:
        self.user_ids: set[int] = set()
        self.certification_ids: set[int] = set()
        self.created: dict[int, object] = {}


_PENDING: ContextVar[_Pending | None] = ContextVar("statements_pending", default=None)


@contextmanager
def statements_deferred() -> Iterator[None]:
    """Inside, writes only collect the people and certifications they touch; on leaving, those are recomputed
    once, in the same transaction (a renewal saves three rows: one recomputation, not three).

    Also a decorator. Nested uses join the outermost one."""
    if _PENDING.get() is not None:
        yield
        return
    with transaction.atomic():
        token = _PENDING.set(_Pending())
        try:
            yield
            pending = _PENDING.get()
        finally:
            _PENDING.reset(token)
        _flush(pending)


def _flush(pending: _Pending) -> None:
    user_ids = set(pending.user_ids)
    for activity in pending.created.values():
        # A new activity alone (no other write to its person) is appended when it comes after all the others;
        # anything else, or an append refused, recomputes the person's cycles.
        if pending.certification_ids or activity.user_id in user_ids or not statements_append(activity=activity):
            user_ids.add(activity.user_id)
    statements_refresh(user_ids=user_ids, certification_ids=pending.certification_ids)


def statements_touched(
    *, user_ids: Iterable[int] = (), certification_ids: Iterable[int] = (), created: Iterable[object] = ()
) -> None:
    """A write changed what these people's (or these) certifications' statements depend on, or recorded these
    activities (`created`): bring the statements in step now, in the caller's transaction, or when the
    enclosing `statements_deferred` block ends."""
    pending = _PENDING.get()
    alone = pending is None
    if alone:
        pending = _Pending()
    pending.user_ids.update(user_ids)
    pending.certification_ids.update(certification_ids)
    pending.created.update((activity.pk, activity) for activity in created)
    if alone:
        _flush(pending)


def statements_append(*, activity) -> bool:
    """Take a just-recorded activity into its person's stored statements without evaluating the history again:
    from each cycle's stored engine state, the engine applies it (`evaluate_next`), and one line and the totals
    are written. True when done; False, having written nothing, when it cannot be (the activity does not come
    after all the others in date order, a statement is stale or has no state): the caller recomputes."""
    from certifications.models import Cycle
    from certifications.rules.engine import Cycle as EngineCycle
    from certifications.rules.engine import course_key, cycle_status, evaluate_next
    from certifications.selectors import _previous_until, _renewed_until, activity_input, credential_info, rule_versions

    if activity.voided_at is not None:
        return True  # counts toward nothing, changes nothing
    numbers = (activity.amount, activity.hours, activity.credit_hours)
    if type(activity.completed_on) is not date or any(n is not None and type(n) is not Decimal for n in numbers):
        return False  # saved from raw values (a shell, a fixture): the recomputation reads them back typed
    with transaction.atomic(), scopes_disabled():
        certifications = _lock(user_id=activity.user_id)
        if not certifications:
            return True
        cycles: dict[int, list] = defaultdict(list)
        for cycle in Cycle.objects.filter(certification__in=certifications).select_related("renewal", "statement"):
            cycles[cycle.certification_id].append(cycle)
        versions = rule_versions(organization_ids=list({c.credential.organization_id for c in certifications}))
        course = course_key(activity.course_number)
        credited = (
            dict(
                StatementCourse.objects.filter(statement__certification__in=certifications, course=course).values_list(
                    "statement_id", "first_day"
                )
            )
            if course
            else {}
        )
        today, now = timezone.localdate(), timezone.now()
        statements, lines, courses = [], [], []
        for certification in certifications:
            organization = certification.credential.organization
            rows = sorted(cycles.get(certification.pk, []), key=lambda c: c.start)
            for upto, cycle in enumerate(rows, start=1):
                statement = getattr(cycle, "statement", None)
                if statement is None or statement.stale or statement.engine_state is None:
                    return False
                until = _renewed_until(cycle)
                if until is not None and activity.completed_on > until:
                    continue  # belongs to a later cycle only (RULES §3)
                # The run only ever looks up the activity's own course: the state needs no other.
                first = credited.get(statement.pk)
                state = {**statement.engine_state, "courses": {course: first.isoformat()} if first else {}}
                step = evaluate_next(
                    state=state,
                    credential=credential_info(certification.credential),
                    cycle_start=cycle.start,
                    versions=versions[organization.pk],
                    activity=activity_input(activity, organization=organization),
                    previous_cycle_until=_previous_until(rows[:upto]),
                )
                if step is None:
                    return False
                applied, state = step
                statement.engine_state = _without_courses(state)
                if course in state["courses"] and first is None:
                    courses.append(StatementCourse(statement=statement, course=course, first_day=activity.completed_on))
                if applied.reason != OUTSIDE_CYCLE:
                    day, reason = activity.completed_on, applied.reason or ""
                    values = _line((day, applied.full, applied.applied, reason, applied.detail))
                    lines.append(StatementLine(statement=statement, activity_id=activity.pk, **values))
                engine_cycle = EngineCycle(statement.start, statement.end, statement.grace_until)
                if applied.applied > 0 and statement.start <= activity.completed_on <= (
                    statement.grace_until or statement.end
                ):
                    statement.weekly = _add_day(statement, activity.completed_on, applied.applied)
                statement.earned += applied.applied
                statement.status = cycle_status(
                    cycle=engine_cycle,
                    as_of=today,
                    met=statement.earned >= statement.required and statement.cpr_aed_ok,
                    recorded_status=cycle.recorded_status or None,
                )
                statement.version += 1
                statement.computed_at = now
                statements.append(statement)
        StatementLine.objects.bulk_create(lines)
        StatementCourse.objects.bulk_create(courses)
        _update(CycleStatement, statements, ["earned", "status", "weekly", "engine_state", "version", "computed_at"])
    return True


def _update(model, rows: list, fields: list[str]) -> None:
    """Write `fields` of `rows`. Django's `bulk_update` builds a CASE of every row for every field, which cost
    more than the rest of logging one activity; the few rows of one person's write get a plain UPDATE each."""
    if len(rows) > 20:
        model.objects.bulk_update(rows, fields, batch_size=200)
        return
    for row in rows:
        model.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in fields})


def _add_day(statement: CycleStatement, day: date, amount: Decimal) -> list[list[str]]:
    """The statement's weekly sums with `amount` added on `day`."""
    weeks = [(date.fromisoformat(d), Decimal(a)) for d, a in statement.weekly]
    return _weeks_json(weekly(start=statement.start, amounts=[*weeks, (day, amount)]))


def statements_publish_mark(*, organization_id: int) -> list[int]:
    """A rule set was published: mark every statement of the organization stale (one UPDATE) and return the
    certifications to recompute. Reads recompute a stale statement on demand until its batch has run."""
    with scopes_disabled():
        CycleStatement.objects.filter(certification__credential__organization_id=organization_id, stale=False).update(
            stale=True
        )
        return list(
            Certification.objects.filter(credential__organization_id=organization_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def statements_recompute_enqueue(*, certification_ids: list[int], batch_size: int = REFRESH_BATCH) -> int:
    """After commit, recompute these certifications' stale statements in Celery batches; returns the batch count."""
    batches = [certification_ids[i : i + batch_size] for i in range(0, len(certification_ids), batch_size)]

    def send() -> None:
        for batch in batches:
            statements_refresh_task.delay(certification_ids=batch)

    transaction.on_commit(send)
    return len(batches)


# --- Checking: stored statements against a fresh evaluation ------------------------------------------------


def _stored_view(progress: list[Progress]) -> dict[int, tuple]:
    """Per cycle id, what the store must say: the totals and each counted activity's line."""
    out = {}
    for item in progress:
        result = item.result
        lines = tuple(
            sorted(
                (int(a.id), item.completed_on[a.id], a.full, a.applied, a.reason or "", a.detail)
                for a in result.activities
                if a.reason != OUTSIDE_CYCLE
            )
        )
        cycle = result.cycle
        out[item.cycle.pk] = (
            (cycle.start, cycle.end, cycle.grace_until, result.credential, result.organization, result.unit),
            (result.required, result.earned, result.cpr_aed_ok),
            lines,
            (_weekly(item), _without_courses(result.state), (result.state or {}).get("courses", {})),
        )
    return out


def statements_drift(*, certification_ids: Iterable[int]) -> list[str]:
    """Cycles of these certifications whose stored statement differs from what the engine says now (stale ones
    count as in step: reads recompute them), each as a sentence; empty when every statement is in step."""
    with scopes_disabled():
        certifications = list(
            Certification.objects.filter(pk__in=list(certification_ids)).select_related("credential__organization")
        )
        fresh = _stored_view(certifications_progress(certifications=certifications, all_cycles=True))
        statements = {s.cycle_id: s for s in CycleStatement.objects.filter(cycle_id__in=list(fresh))}
        lines: dict[int, list[tuple]] = defaultdict(list)
        for statement_id, *row in StatementLine.objects.filter(statement__cycle_id__in=list(fresh)).values_list(
            "statement_id", "activity_id", *_LINE_FIELDS
        ):
            lines[statement_id].append(tuple(row))
        courses: dict[int, dict[str, str]] = defaultdict(dict)
        rows = StatementCourse.objects.filter(statement__cycle_id__in=list(fresh))
        for statement_id, course, day in rows.values_list("statement_id", "course", "first_day"):
            courses[statement_id][course] = day.isoformat()
    problems = []
    for cycle_id, (dates, totals, expected_lines, (weeks, state, expected_courses)) in fresh.items():
        statement = statements.get(cycle_id)
        if statement is None:
            problems.append(f"cycle {cycle_id}: no stored statement")
            continue
        if statement.stale:
            continue
        s = statement
        if (s.start, s.end, s.grace_until, s.credential, s.organization, s.unit) != dates:
            problems.append(f"cycle {cycle_id}: stored dates or credential differ from the engine's")
        if (s.required, s.earned, s.cpr_aed_ok) != totals:
            problems.append(
                f"cycle {cycle_id}: stored {s.earned}/{s.required} (CPR/AED ok: {s.cpr_aed_ok}), "
                f"engine {totals[1]}/{totals[0]} (CPR/AED ok: {totals[2]})"
            )
        if tuple(sorted(lines.get(s.pk, []))) != expected_lines:
            problems.append(f"cycle {cycle_id}: stored lines differ from the engine's")
        if s.weekly != weeks:
            problems.append(f"cycle {cycle_id}: stored weekly amounts differ from the engine's")
        if s.engine_state is not None and (s.engine_state != state or courses.get(s.pk, {}) != expected_courses):
            # None (a statement written before states were kept) is safe: the next write evaluates in full.
            problems.append(f"cycle {cycle_id}: stored engine state differs from the engine's")
    return problems


def statements_verify(
    *, sample: int | None = None, batch_size: int = REFRESH_BATCH, seed: int | None = None
) -> dict[str, object]:
    """Compare stored statements with a fresh evaluation for every certification (or a random sample), in
    batches; log each drift as an error. Returns counts and the drift found."""
    import random

    with scopes_disabled():
        ids = list(Certification.objects.order_by("pk").values_list("pk", flat=True))
    if sample is not None and sample < len(ids):
        ids = sorted(random.Random(seed).sample(ids, sample))
    drift: list[str] = []
    for start in range(0, len(ids), batch_size):
        drift.extend(statements_drift(certification_ids=ids[start : start + batch_size]))
    for problem in drift:
        logger.error("statement drift: %s", problem)
    return {"certifications": len(ids), "drift": drift}


# Celery tasks: thin, take ids, call the service above.
@shared_task(
    name="certifications.statements.refresh_task",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def statements_refresh_task(*, certification_ids: list[int]) -> int:
    """Recompute the stale (or missing) statements of these certifications; running twice does no harm."""
    return statements_refresh(certification_ids=certification_ids, stale_only=True)


@shared_task(name="certifications.statements.verify_task", acks_late=True)
def statements_verify_task(*, sample: int | None = None) -> int:
    """The nightly check (django-celery-beat): every statement against the engine; drift is logged as an error."""
    return len(statements_verify(sample=sample)["drift"])


# --- The safety net: a save or delete made anywhere (a service, the admin, a shell, a fixture) recomputes ---
# Services wrap their writes in `statements_deferred` so a write of several rows recomputes once; these
# receivers only say what was touched. Writes that bypass model signals (bulk_create, QuerySet.update)
# call `statements_touched` themselves.


def _touched_activity(sender, instance, created=False, **kwargs) -> None:
    if created:
        statements_touched(created=[instance])
    else:
        statements_touched(user_ids=[instance.user_id])


def _touched_through_activity(sender, instance, **kwargs) -> None:
    from credits.models import Activity

    with scopes_disabled():
        user_ids = list(Activity.objects.filter(pk=instance.activity_id).values_list("user_id", flat=True))
    statements_touched(user_ids=user_ids)


def _touched_cycle(sender, instance, **kwargs) -> None:
    statements_touched(certification_ids=[instance.certification_id])


def _touched_renewal(sender, instance, **kwargs) -> None:
    from certifications.models import Cycle

    with scopes_disabled():
        ids = list(Cycle.objects.filter(pk=instance.cycle_id).values_list("certification_id", flat=True))
    statements_touched(certification_ids=ids)


def _touched_certification(sender, instance, created=False, **kwargs) -> None:
    if not created:  # a new certification has no cycle yet: its first cycle's save recomputes it
        statements_touched(certification_ids=[instance.pk])


def _touched_credential(sender, instance, created=False, **kwargs) -> None:
    if not created:
        with scopes_disabled():
            ids = list(Certification.objects.filter(credential=instance).values_list("pk", flat=True))
        statements_touched(certification_ids=ids)


def statements_connect() -> None:
    """Connect the receivers above (from `CertificationsConfig.ready`)."""
    from django.db.models.signals import post_delete, post_save

    from certifications.models import Credential, Cycle, Renewal
    from credits.models import Activity, Evidence, Petition

    receivers = [
        (Activity, _touched_activity),
        (Petition, _touched_through_activity),
        (Evidence, _touched_through_activity),
        (Cycle, _touched_cycle),
        (Renewal, _touched_renewal),
    ]
    for model, receiver in receivers:
        post_save.connect(receiver, sender=model, dispatch_uid=f"statements-{model.__name__}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"statements-{model.__name__}-delete")
    post_save.connect(_touched_certification, sender=Certification, dispatch_uid="statements-Certification-save")
    post_save.connect(_touched_credential, sender=Credential, dispatch_uid="statements-Credential-save")
