"""The rules engine: what each activity applies to one certification cycle, and why (RULES §2-§6).

Pure and deterministic: plain values in, plain values out. Nothing here names an organization;
everything an organization decides comes from its `RuleParams`.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from certifications.rules.dates import add_months, add_years, people_date
from certifications.rules.params import (
    ACTIVITY_KINDS,
    INELIGIBLE,
    LETTER_GRADES,
    RETAIN_AFTER_COMPLETION,
    VALUE_AMOUNT,
    VALUE_COLLEGE,
    VALUE_FIXED,
    VALUE_HOURS,
    VALUE_NEW_CERTIFICATION,
    VALUE_NONE,
    VALUE_OTHER_ORG,
    VALUE_PETITION,
    YEAR_CALENDAR,
    CapRule,
    KindRule,
    RuleParams,
)
from certifications.rules.params import NOT_APPROVED as KIND_NOT_APPROVED

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Reason codes (RULES §6), in order of precedence: when several apply, the first wins.
OUTSIDE_CYCLE = "outside_cycle"
INELIGIBLE_ACTIVITY = "ineligible_activity"
NOT_APPROVED = "not_approved"
INVALID_COURSE_NUMBER = "invalid_course_number"
PETITION_PENDING = "petition_pending"
PETITION_DENIED = "petition_denied"
GRADE_TOO_LOW = "grade_too_low"
BEFORE_EFFECTIVE_DATE = "before_effective_date"
NOT_HIGHER_LEVEL = "not_higher_level"
DUPLICATE_COURSE = "duplicate_course"
CAP_REACHED = "cap_reached"
REASONS = (
    OUTSIDE_CYCLE,
    INELIGIBLE_ACTIVITY,
    NOT_APPROVED,
    INVALID_COURSE_NUMBER,
    PETITION_PENDING,
    PETITION_DENIED,
    GRADE_TOO_LOW,
    BEFORE_EFFECTIVE_DATE,
    NOT_HIGHER_LEVEL,
    DUPLICATE_COURSE,
    CAP_REACHED,
)

# Cycle statuses (RULES §3). The last three are only ever recorded, never computed.
IN_PROGRESS = "in_progress"
REQUIREMENTS_MET = "requirements_met"
GRACE = "grace"
EXPIRED = "expired"
LAPSED = "lapsed"
RENEWED = "renewed"
INACTIVE = "inactive"
EMERITUS = "emeritus"
STATUSES = (IN_PROGRESS, REQUIREMENTS_MET, RENEWED, GRACE, EXPIRED, LAPSED, INACTIVE, EMERITUS)

PETITION_APPROVED = "approved"
PETITION_STATUS_DENIED = "denied"

_GRADE_RANK = {grade: rank for rank, grade in enumerate(LETTER_GRADES)}


@dataclass(frozen=True)
class CredentialInfo:
    """A credential as the engine needs it: code, issuing organization, level, amount required per cycle."""

    code: str
    organization: str
    level: int
    required: Decimal


@dataclass(frozen=True)
class RuleVersion:
    """An organization's rule set in force from `effective_from` on."""

    effective_from: date
    params: RuleParams


@dataclass(frozen=True)
class ActivityInput:
    """One recorded activity, as plain values; the caller resolves `new_credential`."""

    id: str
    kind: str
    completed_on: date
    amount: Decimal | None = None
    hours: Decimal | None = None
    course_number: str | None = None
    awarding_org: str | None = None
    credit_hours: Decimal | None = None
    term: str | None = None
    grade: str | None = None
    new_credential: CredentialInfo | None = None
    petition_status: str | None = None  # pending / approved / denied; anything else waits as pending
    seq: int = 0  # recording order: breaks ties between activities of the same date


@dataclass(frozen=True)
class AppliedActivity:
    """What one activity applies to the cycle: its full value, the applied part, the reason for any shortfall."""

    id: str
    full: Decimal
    applied: Decimal
    reason: str | None
    detail: str  # plain English, for people


@dataclass(frozen=True)
class Cycle:
    """A recertification period: [start, end], then an optional grace period (end, grace_until]."""

    start: date
    end: date
    grace_until: date | None


@dataclass(frozen=True)
class CycleResult:
    """The evaluation of one cycle; `activities` come back in input order."""

    credential: str
    organization: str
    cycle: Cycle
    required: Decimal
    earned: Decimal
    remaining: Decimal
    status: str
    activities: tuple[AppliedActivity, ...]
    unit: str
    cpr_aed_ok: bool  # True where the organization has no CPR/AED condition
    # Where the evaluation stood after its last activity (`_Run.state`): with it, `evaluate_next` applies one
    # more activity that comes after all of them without going through the others again.
    state: dict | None = field(default=None, compare=False, repr=False)


def cycle_for(*, start: date, params: RuleParams) -> Cycle:
    """The cycle starting on `start`: it ends the day before the N-th anniversary (RULES §3)."""
    end = add_years(start, params.cycle_years) - timedelta(days=1)
    grace_until = add_months(end, params.grace_months) if params.grace_months else None
    return Cycle(start=start, end=end, grace_until=grace_until)


def next_cycle_start(*, cycle: Cycle) -> date:
    """The next cycle starts on the anniversary, even after a renewal during grace (RULES §3)."""
    return cycle.end + timedelta(days=1)


def cycle_status(*, cycle: Cycle, as_of: date, met: bool, recorded_status: str | None = None) -> str:
    """The status as of a date (RULES §3); a recorded status (renewed, inactive, ...) overrides."""
    if recorded_status is not None:
        if recorded_status not in STATUSES:
            raise ValueError(f"unknown recorded status {recorded_status!r}")
        return recorded_status
    if as_of <= cycle.end:
        return REQUIREMENTS_MET if met else IN_PROGRESS
    if cycle.grace_until is None:
        return EXPIRED
    return GRACE if as_of <= cycle.grace_until else LAPSED


def version_in_force(*, versions: Sequence[RuleVersion], on: date) -> RuleVersion:
    """The latest version effective on or before `on`; the earliest one if none is."""
    return _Versions(versions).on(on)


def evidence_retained_until(*, params: RuleParams, completed_on: date, renewed_on: date | None) -> date | None:
    """The last day evidence must be kept; None when there is no rule or the renewal is not known yet."""
    retention = params.evidence_retention
    if retention is None:
        return None
    if retention.after == RETAIN_AFTER_COMPLETION:
        return add_years(completed_on, retention.years)
    return None if renewed_on is None else add_years(renewed_on, retention.years)


def evaluate(
    *,
    credential: CredentialInfo,
    cycle_start: date,
    as_of: date,
    versions: Sequence[RuleVersion],
    activities: Sequence[ActivityInput],
    current_level: CredentialInfo | None = None,
    cpr_aed_valid_until: date | None = None,
    recorded_status: str | None = None,
    previous_cycle_until: date | None = None,
) -> CycleResult:
    """Apply `activities` to the cycle of `credential` starting on `cycle_start`; `as_of` decides only the status.

    `previous_cycle_until`: activities completed on or before it went to the previous cycle's grace period.
    """
    rule_versions = _Versions(versions)
    start_version = rule_versions.on(cycle_start)
    params = start_version.params
    cycle = cycle_for(start=cycle_start, params=params)
    level = current_level if current_level is not None else credential
    if _org_key(level.organization) != _org_key(credential.organization):
        raise ValueError(f"current level {level.code} is not a credential of {credential.organization}")

    run = _Run(credential, cycle, rule_versions, level, previous_cycle_until)
    # Date order, then recording order; the input position only separates exact ties.
    order = sorted(range(len(activities)), key=lambda i: (activities[i].completed_on, activities[i].seq, i))
    by_index = {index: run.apply(activities[index]) for index in order}
    results = tuple(by_index[index] for index in range(len(activities)))
    last = activities[order[-1]] if order else None

    earned = sum((item.applied for item in results), ZERO)
    required = _cents(credential.required)
    cpr_aed_ok = not params.cpr_aed_required or (cpr_aed_valid_until is not None and cpr_aed_valid_until >= cycle.end)
    status = cycle_status(
        cycle=cycle, as_of=as_of, met=earned >= required and cpr_aed_ok, recorded_status=recorded_status
    )
    return CycleResult(
        credential=credential.code,
        organization=credential.organization,
        cycle=cycle,
        required=required,
        earned=earned,
        remaining=max(required - earned, ZERO),
        status=status,
        activities=results,
        unit=params.unit,
        cpr_aed_ok=cpr_aed_ok,
        state=run.state(last=(last.completed_on, last.seq) if last is not None else None),
    )


def evaluate_next(
    *,
    state: dict,
    credential: CredentialInfo,
    cycle_start: date,
    versions: Sequence[RuleVersion],
    activity: ActivityInput,
    previous_cycle_until: date | None = None,
) -> tuple[AppliedActivity, dict] | None:
    """Apply one more activity to a finished evaluation (`CycleResult.state`, same credential, cycle and rules):
    what `evaluate` would say of it with the others, and the state after it. Activities are applied in date
    order, so one that comes after all the others changes nothing before it; for any other (an earlier date, or
    a tie with an earlier recording order) the answer is None and the whole cycle must be evaluated again."""
    last = state["last"]
    if last is not None and (activity.completed_on, activity.seq) <= (date.fromisoformat(last[0]), last[1]):
        return None
    rule_versions = _Versions(versions)
    cycle = cycle_for(start=cycle_start, params=rule_versions.on(cycle_start).params)
    run = _Run.resumed(state, credential, cycle, rule_versions, previous_cycle_until)
    applied = run.apply(activity)
    return applied, run.state(last=(activity.completed_on, activity.seq))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _org_key(name: str) -> str:
    return name.strip().casefold()


def course_key(number: str | None) -> str:
    """A course number as compared and stored: trimmed, upper case (ace cep12345 == CEP12345)."""
    return (number or "").strip().upper()


def _grade_passes(grade: str | None, minimum: str) -> bool:
    rank = _GRADE_RANK.get((grade or "").strip().upper())
    return rank is not None and rank <= _GRADE_RANK[minimum]


class _Versions:
    """Rule-set versions sorted by effective date, with a per-date cache of the one in force."""

    def __init__(self, versions: Sequence[RuleVersion]) -> None:
        if not versions:
            raise ValueError("at least one rule-set version is needed")
        self._versions = sorted(versions, key=lambda version: version.effective_from)
        self._dates = [version.effective_from for version in self._versions]
        if len(set(self._dates)) != len(self._dates):
            raise ValueError("two rule-set versions have the same effective date")
        self._cache: dict[date, RuleVersion] = {}

    def on(self, day: date) -> RuleVersion:
        version = self._cache.get(day)
        if version is None:
            version = self._versions[max(bisect_right(self._dates, day) - 1, 0)]
            self._cache[day] = version
        return version


class _Run:
    """The state of one evaluation as activities are applied in date order: caps used, courses, level."""

    def __init__(
        self,
        credential: CredentialInfo,
        cycle: Cycle,
        versions: _Versions,
        level: CredentialInfo,
        previous_cycle_until: date | None,
    ) -> None:
        self.org = credential.organization
        self.org_key = _org_key(credential.organization)
        self.cycle = cycle
        self.last_day = cycle.grace_until or cycle.end
        self.versions = versions
        self.level = level
        self.previous_cycle_until = previous_cycle_until
        self.cap_used: dict[tuple[object, ...], Decimal] = {}
        self.credited_courses: dict[str, date] = {}

    def state(self, *, last: tuple[date, int] | None) -> dict:
        """What the run holds after the activity `last` ((date, seq), None if there was none), as JSON values."""
        level = self.level
        return {
            "last": [last[0].isoformat(), last[1]] if last is not None else None,
            "level": [level.code, level.organization, level.level, str(level.required)],
            "caps": sorted(([list(key), str(used)] for key, used in self.cap_used.items()), key=json.dumps),
            "courses": {course: day.isoformat() for course, day in self.credited_courses.items()},
        }

    @classmethod
    def resumed(
        cls,
        state: dict,
        credential: CredentialInfo,
        cycle: Cycle,
        versions: _Versions,
        previous_cycle_until: date | None,
    ) -> _Run:
        code, organization, level, required = state["level"]
        level_info = CredentialInfo(code, organization, level, Decimal(required))
        run = cls(credential, cycle, versions, level_info, previous_cycle_until)
        run.cap_used = {tuple(key): Decimal(used) for key, used in state["caps"]}
        run.credited_courses = {course: date.fromisoformat(day) for course, day in state["courses"].items()}
        return run

    def apply(self, act: ActivityInput) -> AppliedActivity:
        for name in ("amount", "hours", "credit_hours"):
            figure = getattr(act, name)
            if figure is not None and not (figure.is_finite() and figure >= 0):
                raise ValueError(f"activity {act.id}: {name} must be a non-negative number")
        params = self.versions.on(act.completed_on).params
        rule = params.kind_rule(act.kind)
        units = params.unit + "s"
        full, stated_zero, how = self._full_value(act, rule, params)
        if stated_zero:
            # RULES §6: an activity recorded as worth 0 applies 0 with no reason, whatever else holds.
            return AppliedActivity(act.id, ZERO, ZERO, None, f"Recorded as worth 0 {units}.")
        refusal = self._refusal(act, rule, params, full)
        if refusal is not None:
            return AppliedActivity(act.id, full, ZERO, refusal[0], refusal[1])
        applied, cap_detail = self._apply_caps(act, params, full)
        if applied < full:
            return AppliedActivity(act.id, full, applied, CAP_REACHED, cap_detail)
        return AppliedActivity(act.id, full, full, None, how)

    def _full_value(self, act: ActivityInput, rule: KindRule | None, params: RuleParams) -> tuple[Decimal, bool, str]:
        """(full value in cents, whether a recorded figure makes it zero, how it is computed)."""
        value = rule.value if rule is not None else VALUE_NONE
        unit, units = params.unit, params.unit + "s"
        if value in (VALUE_AMOUNT, VALUE_PETITION):
            if act.amount is None:
                return ZERO, False, f"No amount recorded: 0.00 {units}."
            full = _cents(act.amount)
            prefix = "Approved petition" if value == VALUE_PETITION else "Counts its amount"
            return full, act.amount == 0, f"{prefix}: {full} {units}."
        if value == VALUE_FIXED:
            assert rule is not None and rule.amount is not None
            full = _cents(rule.amount)
            label = ACTIVITY_KINDS.get(act.kind, act.kind)
            return full, False, f"{self.org} credits {label} at a fixed {full} {units} each, whatever the hours."
        if value == VALUE_HOURS:
            assert rule is not None and rule.per_hour is not None and rule.default_hours is not None
            hours = act.hours if act.hours is not None else rule.default_hours
            full = _cents(hours * rule.per_hour)
            how = f"{hours} hours at {rule.per_hour} {unit} per hour: {full} {units}."
            return full, act.hours is not None and act.hours == 0, how
        if value == VALUE_COLLEGE:
            assert rule is not None
            if act.credit_hours is None:
                return ZERO, False, f"No credit hours recorded: 0.00 {units}."
            rate, term = self._college_rate(rule, act.term)
            full = _cents(act.credit_hours * rate)
            return full, act.credit_hours == 0, f"{act.credit_hours} {term}credit hours at {rate} each: {full} {units}."
        if value == VALUE_OTHER_ORG:
            return self._other_org_value(act, params)
        if value == VALUE_NEW_CERTIFICATION:
            new = act.new_credential
            if new is None or _org_key(new.organization) != self.org_key:
                return ZERO, False, ""
            full = _cents(params.new_certification_amount(new.code) or ZERO)
            return full, False, f"New {new.code} certification: {full} {units}."
        return ZERO, False, f"{self.org} gives {ACTIVITY_KINDS.get(act.kind, act.kind)} no value."

    @staticmethod
    def _college_rate(rule: KindRule, term: str | None) -> tuple[Decimal, str]:
        if rule.per_credit_hour is not None:
            return rule.per_credit_hour, ""
        assert rule.per_semester_hour is not None and rule.per_quarter_hour is not None
        key = (term or "").strip().lower()
        if key == "semester":
            return rule.per_semester_hour, "semester "
        if key == "quarter":
            return rule.per_quarter_hour, "quarter "
        # Without a known term the value is uncertain: credit the lower rate, never more than is due.
        return min(rule.per_semester_hour, rule.per_quarter_hour), "(term unknown, lower rate) "

    def _other_org_value(self, act: ActivityInput, params: RuleParams) -> tuple[Decimal, bool, str]:
        unit, units = params.unit, params.unit + "s"
        source = (act.awarding_org or "").strip()
        if act.amount is not None:
            their_unit = params.other_org_unit(source) if source else None
            if their_unit is None or _org_key(source) == self.org_key:
                full = _cents(act.amount)
                who = source or "an unnamed organization"
                return full, act.amount == 0, f"{act.amount} from {who}, counted one for one: {full} {units}."
            # Same hours, other unit: their 0.1 per hour becomes our 1 per hour (RULES §5).
            full = _cents(act.amount * params.unit_per_hour / their_unit)
            rates = f"{their_unit} per hour, converted at {params.unit_per_hour} {unit} per hour"
            how = f"{act.amount} from {source} ({rates}): {full} {units}."
            return full, act.amount == 0, how
        if act.hours is not None:
            full = _cents(act.hours * params.unit_per_hour)
            return full, act.hours == 0, f"{act.hours} hours at {params.unit_per_hour} {unit} per hour: {full} {units}."
        return ZERO, False, f"No amount or hours recorded: 0.00 {units}."

    def _refusal(
        self, act: ActivityInput, rule: KindRule | None, params: RuleParams, full: Decimal
    ) -> tuple[str, str] | None:
        """The first reason (RULES §6 order) the activity applies nothing, or None; records what it credits."""
        day = act.completed_on
        cycle = self.cycle
        if day < cycle.start or day > self.last_day:
            window = f"{people_date(cycle.start)} to {people_date(cycle.end)}"
            if cycle.grace_until:
                window += f", grace to {people_date(cycle.grace_until)}"
            return OUTSIDE_CYCLE, f"Completed {people_date(day)}, outside this cycle ({window})."
        if self.previous_cycle_until is not None and day <= self.previous_cycle_until:
            return (
                OUTSIDE_CYCLE,
                f"Completed {people_date(day)}, in the previous cycle's grace period: it counts there only.",
            )
        label = ACTIVITY_KINDS.get(act.kind, act.kind.replace("_", " "))
        if rule is None or rule.status == INELIGIBLE:
            return INELIGIBLE_ACTIVITY, f"{self.org} never credits {label}."
        new = act.new_credential
        if rule.value == VALUE_NEW_CERTIFICATION:
            if new is None:
                return INELIGIBLE_ACTIVITY, "The new credential is not known."
            if _org_key(new.organization) != self.org_key:
                return (
                    INELIGIBLE_ACTIVITY,
                    f"{self.org} does not credit {new.code}, a credential of another organization.",
                )
        if rule.status == KIND_NOT_APPROVED:
            return NOT_APPROVED, f"{self.org} does not approve {label}; a petition may help."
        regex = params.course_number_regex
        if rule.course_number and regex is not None:
            number = (act.course_number or "").strip()
            if not regex.fullmatch(number):
                shown = f"{number!r} is not in" if number else "No course number: it needs one in"
                return INVALID_COURSE_NUMBER, f"{shown} {self.org}'s course-number format."
        if rule.value == VALUE_PETITION:
            petition = (act.petition_status or "").strip().lower()
            if petition == PETITION_STATUS_DENIED:
                return PETITION_DENIED, f"{self.org} denied the petition."
            if petition != PETITION_APPROVED:
                return PETITION_PENDING, f"The petition awaits {self.org}'s review."
        if rule.min_grade is not None and not _grade_passes(act.grade, rule.min_grade):
            grade = (act.grade or "").strip()
            shown = f"Grade {grade!r} is below {rule.min_grade}" if grade else "No letter grade"
            return GRADE_TOO_LOW, f"{shown}: {self.org} needs {rule.min_grade} or better."
        if rule.effective_from is not None and day < rule.effective_from:
            return BEFORE_EFFECTIVE_DATE, f"{self.org} credits {label} only from {people_date(rule.effective_from)} on."
        if rule.value == VALUE_NEW_CERTIFICATION:
            assert new is not None
            if new.level <= self.level.level:
                return NOT_HIGHER_LEVEL, f"{new.code} is not higher than the {self.level.code} already held."
        course = course_key(act.course_number) if params.count_course_once else ""
        if course:
            first = self.credited_courses.get(course)
            if first is not None:
                return DUPLICATE_COURSE, f"Course {course} was already credited in this cycle (completed {first})."
            if full > 0:
                self.credited_courses[course] = day
        if rule.value == VALUE_NEW_CERTIFICATION:
            # A credited new certification is the level later activities must exceed (RULES §5).
            assert new is not None
            self.level = new
        return None

    def _apply_caps(self, act: ActivityInput, params: RuleParams, full: Decimal) -> tuple[Decimal, str]:
        """Apply every cap of the activity's kind: the smallest room left wins; then fill those caps."""
        caps = params.caps_for(act.kind)
        if not caps or full == 0:
            return full, ""
        applied, binding = full, ""
        keys: list[tuple[object, ...]] = []
        for cap in caps:
            for key, limit, period in self._cap_windows(cap, act.completed_on):
                keys.append(key)
                # Down to whole cents, so that a limit written with more decimals is never exceeded.
                room = max(limit - self.cap_used.get(key, ZERO), ZERO).quantize(CENT, rounding=ROUND_DOWN)
                if room < applied:
                    applied = room
                    binding = f"{self.org} caps {cap.name} at {limit} {params.unit}s {period}"
        for key in keys:
            self.cap_used[key] = self.cap_used.get(key, ZERO) + applied
        return applied, f"{binding}: {applied} of {full} applied."

    def _cap_windows(self, cap: CapRule, day: date) -> list[tuple[tuple[object, ...], Decimal, str]]:
        windows: list[tuple[tuple[object, ...], Decimal, str]] = []
        if cap.per_year is not None:
            if cap.year == YEAR_CALENDAR:
                windows.append(((cap.name, YEAR_CALENDAR, day.year), cap.per_year, f"a calendar year ({day.year})"))
            else:
                index = self._cycle_year(day)
                windows.append(((cap.name, cap.year, index), cap.per_year, f"a cycle year (year {index + 1})"))
        if cap.per_cycle is not None:
            windows.append(((cap.name,), cap.per_cycle, "a cycle"))
        return windows

    def _cycle_year(self, day: date) -> int:
        # Whole years since the cycle start; grace-period days fall in the year after the last one.
        index = day.year - self.cycle.start.year
        if add_years(self.cycle.start, index) > day:
            index -= 1
        return index
