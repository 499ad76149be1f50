"""Reads of the statement store: plain indexed queries whose cost follows what is shown, not the history.

`statements_progress` answers what `certifications.selectors.certifications_progress` answers (the same
`Progress` objects), from stored rows: a stale or missing statement is recomputed first, through the engine.
The status is derived for the day asked from the stored dates and totals (the engine's `cycle_status`)."""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from certifications.models import Certification, Cycle
from certifications.rules.engine import PETITION_PENDING, AppliedActivity, CycleResult, cycle_status
from certifications.rules.engine import Cycle as EngineCycle
from certifications.selectors import DashboardCard, Progress, StatementLine, certifications_of, dashboard_cards
from certifications.statements.models import CycleStatement
from certifications.statements.models import StatementLine as StoredLine
from certifications.statements.services import _needing_refresh, statements_refresh

_APPLIED = ("activity_id", "full", "applied", "reason", "detail")  # a stored line's columns, in `_applied` order


def _applied(activity_id: int, full: Decimal, applied: Decimal, reason: str, detail: str) -> AppliedActivity:
    """A stored line as the engine's answer (the store writes no reason as "")."""
    return AppliedActivity(str(activity_id), full, applied, reason or None, detail)


class _Lines:
    """The stored lines of a batch of statements, loaded in one query the first time any is asked for."""

    def __init__(self, statement_ids: list[int]) -> None:
        self._ids = statement_ids
        self._rows: dict[int, list[tuple]] | None = None

    def _load(self) -> dict[int, list[tuple]]:
        if self._rows is None:
            rows: dict[int, list[tuple]] = defaultdict(list)
            with scopes_disabled():
                for row in (
                    StoredLine.objects.filter(statement_id__in=self._ids)
                    .order_by("activity_id")
                    .values_list("statement_id", "activity_id", "completed_on", "full", "applied", "reason", "detail")
                ):
                    rows[row[0]].append(row[1:])
            self._rows = rows
        return self._rows

    def applied(self, statement_id: int) -> tuple[AppliedActivity, ...]:
        return tuple(_applied(activity_id, *rest) for activity_id, _, *rest in self._load().get(statement_id, []))

    def dates(self, statement_id: int) -> dict[str, date]:
        return {str(row[0]): row[1] for row in self._load().get(statement_id, [])}


class StoredResult(CycleResult):
    """A `CycleResult` read from the store. Its `activities` are the activities counted in the cycle (never
    those the engine puts outside it), loaded on first use for the whole batch at once."""

    def __init__(self, *, lines: _Lines, statement_id: int, weekly: list, **fields) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_lines", lines)
        object.__setattr__(self, "statement_id", statement_id)
        object.__setattr__(self, "_weekly", weekly)

    @property
    def weekly(self) -> list[tuple[date, Decimal]]:
        """The applied amounts per week of the cycle, each dated by its first day (the chart), parsed when asked."""
        if self._weekly is None:
            raise AttributeError("the weekly sums were not loaded: read with statements_progress(chart=True)")
        return [(date.fromisoformat(day), Decimal(amount)) for day, amount in self._weekly]

    @property
    def activities(self) -> tuple[AppliedActivity, ...]:  # type: ignore[override]
        return self._lines.applied(self.statement_id)


class _Dates(Mapping):
    """Activity id -> completion day of a stored statement's lines, loaded on first use."""

    def __init__(self, lines: _Lines, statement_id: int) -> None:
        self._lines, self._id, self._data = lines, statement_id, None

    def _get(self) -> dict[str, date]:
        if self._data is None:
            self._data = self._lines.dates(self._id)
        return self._data

    def __getitem__(self, key: str) -> date:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def statements_progress(
    *,
    certifications: Iterable[Certification],
    as_of: date | None = None,
    all_cycles: bool = False,
    chart: bool = False,
) -> list[Progress]:
    """The current cycle (with `all_cycles`, every cycle, oldest first) of each certification, from the store:
    the same answer as `certifications_progress`, in a fixed number of queries that do not grow with the
    history. Pass certifications with `credential__organization` selected (a queryset gets it added)."""
    as_of = as_of or timezone.localdate()
    with scopes_disabled():
        if isinstance(certifications, QuerySet):
            certifications = certifications.select_related("credential__organization")
        certifications = list(certifications)
        if not certifications:
            return []
        cycles = _cycles([c.pk for c in certifications], chart=chart)
        wanted = {cert_id: rows if all_cycles else rows[-1:] for cert_id, rows in cycles.items()}
        # A missing or stale statement (a write outside the services, a publish not yet recomputed) is
        # recomputed here first, so a read never shows an answer the engine would not give.
        if any(_statement(cycle) is None or cycle.statement.stale for rows in wanted.values() for cycle in rows):
            statements_refresh(certification_ids=_needing_refresh(list(wanted)), stale_only=True)
            cycles = _cycles([c.pk for c in certifications], chart=chart)
            wanted = {cert_id: rows if all_cycles else rows[-1:] for cert_id, rows in cycles.items()}
    lines = _Lines([cycle.statement.pk for rows in wanted.values() for cycle in rows])
    return [
        _progress(certification, cycle, lines=lines, as_of=as_of)
        for certification in certifications
        for cycle in wanted.get(certification.pk, [])
    ]


def _cycles(certification_ids: list[int], *, chart: bool = False) -> dict[int, list[Cycle]]:
    """Each certification's cycles, oldest first, with their statement (None when there is none yet); the
    per-day sums only with `chart` (the dashboard's chart is the one reader)."""
    out: dict[int, list[Cycle]] = defaultdict(list)
    rows = (
        Cycle.objects.filter(certification_id__in=certification_ids)
        .select_related("renewal", "statement")
        .defer("statement__engine_state", *([] if chart else ["statement__weekly"]))
    )
    for cycle in rows.order_by("start"):
        out[cycle.certification_id].append(cycle)
    return out


def _statement(cycle: Cycle) -> CycleStatement | None:
    try:
        return cycle.statement
    except CycleStatement.DoesNotExist:
        return None


def _progress(certification: Certification, cycle: Cycle, *, lines: _Lines, as_of: date) -> Progress:
    statement = cycle.statement
    engine_cycle = EngineCycle(statement.start, statement.end, statement.grace_until)
    required, earned = statement.required, statement.earned
    status = cycle_status(
        cycle=engine_cycle,
        as_of=as_of,
        met=earned >= required and statement.cpr_aed_ok,
        recorded_status=cycle.recorded_status or None,
    )
    result = StoredResult(
        lines=lines,
        statement_id=statement.pk,
        weekly=statement.weekly if "weekly" not in statement.get_deferred_fields() else None,
        credential=statement.credential,
        organization=statement.organization,
        cycle=engine_cycle,
        required=required,
        earned=earned,
        remaining=max(required - earned, Decimal("0.00")),
        status=status,
        unit=statement.unit,
        cpr_aed_ok=statement.cpr_aed_ok,
    )
    return Progress(certification, cycle, result, _Dates(lines, statement.pk))


def statements_lines(*, progress: list[Progress]) -> list[tuple[Progress, list[StatementLine]]]:
    """Stored cycles, each with the activities counted in it (date order) and what they applied; one query.
    The answer of `certifications.selectors.cycle_statements`, from the store."""
    ids = [p.result.statement_id for p in progress]
    per_statement: dict[int, list[StatementLine]] = defaultdict(list)
    with scopes_disabled():
        rows = (
            StoredLine.objects.filter(statement_id__in=ids)
            .select_related("activity")
            .order_by("activity__completed_on", "activity_id")
        )
        for line in rows:
            applied = _applied(*(getattr(line, name) for name in _APPLIED))
            per_statement[line.statement_id].append(StatementLine(line.activity, applied))
    return [(p, per_statement.get(p.result.statement_id, [])) for p in progress]


def statements_user_progress(*, user, as_of: date | None = None, chart: bool = False) -> list[Progress]:
    """Every certification of the person with its current cycle, from the store (see `user_progress`)."""
    return statements_progress(certifications=certifications_of(user=user), as_of=as_of, chart=chart)


def statements_certification_cycles(*, certification: Certification, as_of: date | None = None) -> list[Progress]:
    """Every cycle of a certification, oldest first, from the store (see `certification_cycles`)."""
    return statements_progress(certifications=[certification], as_of=as_of, all_cycles=True)


def statements_cycle_progress(*, cycle: Cycle, as_of: date | None = None) -> Progress:
    """One cycle (current or past, e.g. a renewed cycle's transcript or an audited one), from the store."""
    with scopes_disabled():
        certification = Certification.objects.select_related("credential__organization").get(pk=cycle.certification_id)
    for progress in statements_certification_cycles(certification=certification, as_of=as_of):
        if progress.cycle.pk == cycle.pk:
            return progress
    raise Cycle.DoesNotExist(f"cycle {cycle.pk} is not a cycle of certification {certification.pk}")


def statements_cycle_statement(*, cycle: Cycle, as_of: date | None = None) -> tuple[Progress, list[StatementLine]]:
    """One cycle with each activity counted in it and what it applied, from the store (see `cycle_statement`)."""
    return statements_lines(progress=[statements_cycle_progress(cycle=cycle, as_of=as_of)])[0]


def statements_dashboard(*, user, as_of: date | None = None) -> list[DashboardCard]:
    """The dashboard's cards from the store: totals from the statements, the chart from their per-day sums."""
    as_of = as_of or timezone.localdate()
    progress = statements_user_progress(user=user, as_of=as_of, chart=True)
    waiting: dict[int, list[AppliedActivity]] = defaultdict(list)
    with scopes_disabled():
        rows = StoredLine.objects.filter(
            statement_id__in=[p.result.statement_id for p in progress], reason=PETITION_PENDING
        ).order_by("activity_id")
        for statement_id, *line in rows.values_list("statement_id", *_APPLIED):
            waiting[statement_id].append(_applied(*line))
    return dashboard_cards(
        progress=progress,
        as_of=as_of,
        points=lambda item: item.result.weekly,
        pending=lambda item: waiting[item.result.statement_id],
    )


def statements_applications(
    *, certifications: list[Certification], as_of: date | None = None, activity_ids: Iterable[int] | None = None
) -> list[tuple[int, Progress, AppliedActivity]]:
    """(activity id, cycle, what it applied) for each activity and certification: the cycle the activity is
    counted in, oldest first; for one counted in no cycle, the current cycle's answer (outside it, and why).

    With `activity_ids`, only those activities (a page of a list): the cost follows the page, not the history."""
    from certifications.selectors import _evaluate, rule_versions
    from credits.models import Activity, Petition

    progress = statements_progress(certifications=certifications, as_of=as_of, all_cycles=True)
    if not progress:
        return []
    by_statement = {p.result.statement_id: p for p in progress}
    user_ids = {c.user_id for c in certifications}
    with scopes_disabled():
        lines = StoredLine.objects.filter(statement_id__in=list(by_statement))
        activities = Activity.objects.filter(user_id__in=user_ids, voided_at__isnull=True)
        if activity_ids is not None:
            activity_ids = list(activity_ids)
            lines = lines.filter(activity_id__in=activity_ids)
            activities = activities.filter(pk__in=activity_ids)
        rows = lines.order_by("statement__start").values_list("statement_id", *_APPLIED)
        chosen: dict[tuple[int, int], tuple[int, Progress, AppliedActivity]] = {}
        for statement_id, *line in rows:
            item = by_statement[statement_id]
            activity_id = line[0]
            key = (activity_id, item.certification.pk)
            if key not in chosen:
                chosen[key] = (activity_id, item, _applied(*line))
        current = {p.certification.pk: p for p in progress}  # oldest first: the last one stays
        # Only activities counted in no cycle of some certification are loaded (none, on most pages).
        known = activity_ids if activity_ids is not None else activities.values_list("pk", flat=True)
        uncounted = [pk for pk in known if any((pk, cert_id) not in chosen for cert_id in current)]
        activities = (
            list(activities.filter(pk__in=uncounted).select_related("new_credential__organization"))
            if uncounted
            else []
        )
        missing = {
            cert_id: [a for a in activities if a.user_id == p.certification.user_id and (a.pk, cert_id) not in chosen]
            for cert_id, p in current.items()
        }
        if any(missing.values()):
            # Counted in none of the cycles: the engine's answer for these alone against the current cycle is
            # the one it gives in the whole history (outside the cycle is decided before anything else).
            petitions = {
                (p.activity_id, p.organization_id): p
                for p in Petition.objects.filter(activity_id__in=[a.pk for rows in missing.values() for a in rows])
            }
            versions = rule_versions(organization_ids=list({c.credential.organization_id for c in certifications}))
            for cert_id, rows in missing.items():
                if not rows:
                    continue
                item = current[cert_id]
                cycles = [p.cycle for p in progress if p.certification.pk == cert_id]
                result = _evaluate(
                    certification=item.certification,
                    cycle=item.cycle,
                    activities=rows,
                    petitions=petitions,
                    versions=versions[item.certification.credential.organization_id],
                    previous_until=_previous_until(cycles),
                    as_of=as_of or timezone.localdate(),
                )
                for applied in result.activities:
                    chosen[(int(applied.id), cert_id)] = (int(applied.id), item, applied)
    order = {c.pk: index for index, c in enumerate(certifications)}
    return sorted(chosen.values(), key=lambda row: order[row[1].certification.pk])


def _previous_until(cycles: list[Cycle]) -> date | None:
    from certifications.selectors import _previous_until as previous_until

    return previous_until(cycles)


def statements_of(*, certification_ids: Iterable[int]) -> QuerySet[CycleStatement]:
    """Stored statements of these certifications (for checks and tools), oldest cycle first."""
    with scopes_disabled():
        return CycleStatement.objects.filter(certification_id__in=list(certification_ids)).order_by(
            "certification_id", "start"
        )
