"""Rule-set parameters: everything one organization's rule-set version says, as validated data.

`RuleParams.from_dict` reads the JSON-compatible dict stored with a rule-set version (amounts as
decimal strings, dates ISO) and `to_dict` writes its canonical form back. The engine reads nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

# The activity kinds of the product (RULES §8), with a plain-English label for explanations.
ACTIVITY_KINDS: dict[str, str] = {
    "approved_course": "approved courses",
    "other_org_course": "courses approved by other organizations",
    "college_course": "college courses",
    "cpr": "CPR",
    "aed": "AED",
    "first_aid": "first aid",
    "teaching": "teaching",
    "lecturing": "lecturing",
    "publication": "publications",
    "new_certification": "new certifications",
    "petition": "petitions",
    "attendance_only": "attendance-only events",
    "workout": "workout sessions",
    "job_duties": "job duties",
    "job_shadowing": "job shadowing",
    "reading": "reading",
    "auditing": "audited college courses",
    "emt": "EMT training",
    "lifeguarding": "lifeguarding",
}

# Whether an organization credits a kind at all (RULES §6: ineligible_activity, not_approved).
CREDITED = "credited"
NOT_APPROVED = "not_approved"
INELIGIBLE = "ineligible"
KIND_STATUSES = (CREDITED, NOT_APPROVED, INELIGIBLE)

# How an activity's full value is computed.
VALUE_AMOUNT = "amount"  # its own amount, in the organization's unit
VALUE_FIXED = "fixed"  # the rule's amount, whatever the activity says
VALUE_HOURS = "hours"  # its hours (or the rule's default hours) times the rule's rate
VALUE_COLLEGE = "college"  # credit hours times the rate of the term
VALUE_OTHER_ORG = "other_org"  # another organization's award, converted by units per hour
VALUE_NEW_CERTIFICATION = "new_certification"  # the amount set for the new credential
VALUE_PETITION = "petition"  # the amount of an approved petition
VALUE_NONE = "none"  # worth nothing
VALUES = (
    VALUE_AMOUNT,
    VALUE_FIXED,
    VALUE_HOURS,
    VALUE_COLLEGE,
    VALUE_OTHER_ORG,
    VALUE_NEW_CERTIFICATION,
    VALUE_PETITION,
    VALUE_NONE,
)

# Letter grades, best first; a minimum grade passes itself and everything before it.
LETTER_GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F")

YEAR_CALENDAR = "calendar"  # a cap's "per year" is the calendar year of the completion date
YEAR_CYCLE = "cycle"  # ... or the year of the cycle (anniversary to anniversary)
YEAR_BASES = (YEAR_CALENDAR, YEAR_CYCLE)

RETAIN_AFTER_COMPLETION = "completion"
RETAIN_AFTER_RENEWAL = "renewal"
RETAIN_AFTER = (RETAIN_AFTER_COMPLETION, RETAIN_AFTER_RENEWAL)


class RuleParamsError(ValueError):
    """Invalid rule-set parameters; `errors` maps each bad field (a dotted path) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class KindRule:
    """How one activity kind is credited: whether at all, how its full value is computed, on what conditions."""

    kind: str
    status: str
    value: str = VALUE_NONE
    amount: Decimal | None = None  # value "fixed"
    per_hour: Decimal | None = None  # value "hours"
    default_hours: Decimal | None = None  # value "hours": assumed when the activity records none
    per_credit_hour: Decimal | None = None  # value "college", whatever the term
    per_semester_hour: Decimal | None = None  # value "college", by term
    per_quarter_hour: Decimal | None = None
    min_grade: str | None = None  # value "college"; None = no grade condition
    effective_from: date | None = None  # completed earlier -> before_effective_date
    course_number: bool = False  # must carry a course number in the organization's format


@dataclass(frozen=True)
class CapRule:
    """At most `per_year` and/or `per_cycle` for the named group of kinds, shared by all of them."""

    name: str
    kinds: tuple[str, ...]
    per_year: Decimal | None = None
    per_cycle: Decimal | None = None
    year: str = YEAR_CALENDAR


@dataclass(frozen=True)
class OtherOrg:
    """An organization whose awards are converted: its unit per hour of learning."""

    name: str
    unit_per_hour: Decimal


@dataclass(frozen=True)
class NewCertificationAmount:
    """What earning a new credential (by code) is worth toward a cycle."""

    credential: str
    amount: Decimal


@dataclass(frozen=True)
class Fees:
    """Rule-set fees, with each credential's renewal fee by code.

    `renewal` is None for a version written before rule sets carried renewal fees: such a version
    leaves the fee to the credential's own `renewal_fee` (see `renewal_for`)."""

    currency: str = "USD"
    late: Decimal | None = None
    reinstatement: Decimal | None = None
    emeritus_reinstatement: Decimal | None = None
    renewal: tuple[tuple[str, Decimal], ...] | None = None  # (credential code, fee); a code not listed: no fee

    def renewal_for(self, credential: str, default: Decimal | None = None) -> Decimal | None:
        """The renewal fee of a credential (code, case-insensitive); `default` if this version lists none at all."""
        if self.renewal is None:
            return default
        wanted = credential.strip().casefold()
        return next((fee for code, fee in self.renewal if code.strip().casefold() == wanted), None)


@dataclass(frozen=True)
class Audit:
    """Share of renewal submissions audited, and the days allowed to send the documents."""

    rate: Decimal = Decimal("0")
    response_days: int = 30


@dataclass(frozen=True)
class Retention:
    """How long evidence is kept: `years` after completion of the activity or after the renewal."""

    years: int
    after: str


@dataclass(frozen=True)
class Emeritus:
    """Conditions and designation of emeritus status (retirement itself is self-attested)."""

    min_age: int
    min_years_certified: int
    code_suffix: str
    name_suffix: str


@dataclass(frozen=True)
class RuleParams:
    """One organization's rule-set version, as immutable data."""

    unit: str
    unit_per_hour: Decimal
    cycle_years: int
    kinds: tuple[KindRule, ...]
    grace_months: int = 0
    course_number_pattern: str | None = None
    course_number_example: str | None = None  # shown to people when a number is not in the format
    count_course_once: bool = False
    cpr_aed_required: bool = False
    caps: tuple[CapRule, ...] = ()
    other_orgs: tuple[OtherOrg, ...] = ()
    new_certification_amounts: tuple[NewCertificationAmount, ...] = ()
    petition_guide_per_hour: Decimal | None = None
    fees: Fees = field(default_factory=Fees)
    audit: Audit = field(default_factory=Audit)
    evidence_retention: Retention | None = None
    emeritus: Emeritus | None = None

    # Lookups, built once per instance: the engine calls them for every activity.
    @cached_property
    def _kind_map(self) -> dict[str, KindRule]:
        return {rule.kind: rule for rule in self.kinds}

    @cached_property
    def _caps_by_kind(self) -> dict[str, tuple[CapRule, ...]]:
        return {rule.kind: tuple(cap for cap in self.caps if rule.kind in cap.kinds) for rule in self.kinds}

    @cached_property
    def _other_org_map(self) -> dict[str, Decimal]:
        return {org.name.strip().casefold(): org.unit_per_hour for org in self.other_orgs}

    @cached_property
    def _new_certification_map(self) -> dict[str, Decimal]:
        return {item.credential.strip().casefold(): item.amount for item in self.new_certification_amounts}

    @cached_property
    def course_number_regex(self) -> re.Pattern[str] | None:
        """The compiled course-number format (matched against the whole trimmed number), if any."""
        if self.course_number_pattern is None:
            return None
        return re.compile(self.course_number_pattern, re.IGNORECASE | re.ASCII)

    def kind_rule(self, kind: str) -> KindRule | None:
        """The rule for `kind`; None when the rule set does not list it (never credited)."""
        return self._kind_map.get(kind)

    def caps_for(self, kind: str) -> tuple[CapRule, ...]:
        """The caps whose group includes `kind`."""
        return self._caps_by_kind.get(kind, ())

    def other_org_unit(self, name: str) -> Decimal | None:
        """Units per hour of a listed other organization (case-insensitive), else None."""
        return self._other_org_map.get(name.strip().casefold())

    def new_certification_amount(self, credential: str) -> Decimal | None:
        """What a new credential (by code, case-insensitive) is worth, else None."""
        return self._new_certification_map.get(credential.strip().casefold())

    @classmethod
    def from_dict(cls, data: Any) -> RuleParams:
        """Validate a JSON-compatible dict; raise RuleParamsError naming every bad field."""
        return _Reader().params(data)

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON-compatible dict; `from_dict(p.to_dict()) == p`."""
        return {
            "unit": self.unit,
            "unit_per_hour": str(self.unit_per_hour),
            "cycle_years": self.cycle_years,
            "grace_months": self.grace_months,
            "course_number_pattern": self.course_number_pattern,
            "course_number_example": self.course_number_example,
            "count_course_once": self.count_course_once,
            "cpr_aed_required": self.cpr_aed_required,
            "kinds": {rule.kind: _kind_to_dict(rule) for rule in self.kinds},
            "caps": [
                {
                    "name": cap.name,
                    "kinds": list(cap.kinds),
                    "per_year": _str_or_none(cap.per_year),
                    "per_cycle": _str_or_none(cap.per_cycle),
                    "year": cap.year,
                }
                for cap in self.caps
            ],
            "other_orgs": {org.name: str(org.unit_per_hour) for org in self.other_orgs},
            "new_certification_amounts": {item.credential: str(item.amount) for item in self.new_certification_amounts},
            "petition_guide_per_hour": _str_or_none(self.petition_guide_per_hour),
            "fees": {
                "currency": self.fees.currency,
                "late": _str_or_none(self.fees.late),
                "reinstatement": _str_or_none(self.fees.reinstatement),
                "emeritus_reinstatement": _str_or_none(self.fees.emeritus_reinstatement),
                **(
                    {}
                    if self.fees.renewal is None
                    else {"renewal": {code: str(fee) for code, fee in self.fees.renewal}}
                ),
            },
            "audit": {"rate": str(self.audit.rate), "response_days": self.audit.response_days},
            "evidence_retention": (
                None
                if self.evidence_retention is None
                else {"years": self.evidence_retention.years, "after": self.evidence_retention.after}
            ),
            "emeritus": (
                None
                if self.emeritus is None
                else {
                    "min_age": self.emeritus.min_age,
                    "min_years_certified": self.emeritus.min_years_certified,
                    "code_suffix": self.emeritus.code_suffix,
                    "name_suffix": self.emeritus.name_suffix,
                }
            ),
        }


def _str_or_none(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


_KIND_DECIMALS = ("amount", "per_hour", "default_hours", "per_credit_hour", "per_semester_hour", "per_quarter_hour")


def _kind_to_dict(rule: KindRule) -> dict[str, Any]:
    # Only the fields a rule uses, so an admin reads "cpr": {"status": ..., "value": "fixed", "amount": "0.2"}.
    out: dict[str, Any] = {"status": rule.status}
    if rule.value != VALUE_NONE:
        out["value"] = rule.value
    for name in _KIND_DECIMALS:
        value = getattr(rule, name)
        if value is not None:
            out[name] = str(value)
    if rule.min_grade is not None:
        out["min_grade"] = rule.min_grade
    if rule.effective_from is not None:
        out["effective_from"] = rule.effective_from.isoformat()
    if rule.course_number:
        out["course_number"] = True
    return out


# Plain decimal notation only, so that str(Decimal(text)) == text and the stored dict reads naturally.
_DECIMAL_RE = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_TOP_KEYS = {
    "unit",
    "unit_per_hour",
    "cycle_years",
    "grace_months",
    "course_number_pattern",
    "course_number_example",
    "count_course_once",
    "cpr_aed_required",
    "kinds",
    "caps",
    "other_orgs",
    "new_certification_amounts",
    "petition_guide_per_hour",
    "fees",
    "audit",
    "evidence_retention",
    "emeritus",
}
_TOP_REQUIRED = ("unit", "unit_per_hour", "cycle_years", "kinds")

# Fields a kind rule may carry beyond status/value/effective_from/course_number, by value.
VALUE_FIELDS: dict[str, frozenset[str]] = {
    VALUE_FIXED: frozenset({"amount"}),
    VALUE_HOURS: frozenset({"per_hour", "default_hours"}),
    VALUE_COLLEGE: frozenset({"per_credit_hour", "per_semester_hour", "per_quarter_hour", "min_grade"}),
}
_KIND_COMMON = frozenset({"status", "value", "effective_from", "course_number"})
_KIND_ALL = _KIND_COMMON | frozenset().union(*VALUE_FIELDS.values())
# Values that belong to the kind of the same name, both ways (their checks are that kind's).
_OWN_VALUE = {"petition": VALUE_PETITION, "new_certification": VALUE_NEW_CERTIFICATION}


class _Reader:
    """Collects every error while reading a params dict, so one answer names all bad fields."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def mapping(self, raw: Any, path: str, allowed: set[str] | frozenset[str] | None = None) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            self.fail(path, "must be an object")
            return {}
        if allowed is not None:
            for key in raw:
                if key not in allowed:
                    self.fail(f"{path}.{key}" if path else str(key), "unknown field")
        return raw

    def decimal(self, raw: Any, path: str, *, positive: bool = False, at_most: Decimal | None = None) -> Decimal | None:
        if not isinstance(raw, str) or not _DECIMAL_RE.fullmatch(raw):
            self.fail(path, 'must be a non-negative decimal string such as "0.5"')
            return None
        value = Decimal(raw)
        if positive and value == 0:
            self.fail(path, "must be more than 0")
            return None
        if at_most is not None and value > at_most:
            self.fail(path, f"must be at most {at_most}")
            return None
        return value

    def optional_decimal(self, raw: Any, path: str, **kwargs: Any) -> Decimal | None:
        return None if raw is None else self.decimal(raw, path, **kwargs)

    def integer(self, raw: Any, path: str, minimum: int) -> int | None:
        if not isinstance(raw, int) or isinstance(raw, bool):
            self.fail(path, "must be a whole number")
            return None
        if raw < minimum:
            self.fail(path, f"must be at least {minimum}")
            return None
        return raw

    def boolean(self, raw: Any, path: str) -> bool:
        if not isinstance(raw, bool):
            self.fail(path, "must be true or false")
            return False
        return raw

    def text(self, raw: Any, path: str) -> str | None:
        if not isinstance(raw, str) or not raw.strip():
            self.fail(path, "must be a non-empty text")
            return None
        return raw

    def choice(self, raw: Any, path: str, choices: tuple[str, ...]) -> str | None:
        if not isinstance(raw, str) or raw not in choices:
            self.fail(path, "must be one of " + ", ".join(choices))
            return None
        return raw

    def day(self, raw: Any, path: str) -> date | None:
        if isinstance(raw, str) and _DATE_RE.fullmatch(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        self.fail(path, "must be a date YYYY-MM-DD")
        return None

    def params(self, data: Any) -> RuleParams:
        if not isinstance(data, Mapping):
            raise RuleParamsError({"non_field_errors": "must be an object"})
        data = self.mapping(data, "", _TOP_KEYS)
        for key in _TOP_REQUIRED:
            if key not in data:
                self.fail(key, "required")
        unit = self.text(data.get("unit"), "unit") if "unit" in data else None
        unit_per_hour = (
            self.decimal(data["unit_per_hour"], "unit_per_hour", positive=True) if "unit_per_hour" in data else None
        )
        cycle_years = self.integer(data["cycle_years"], "cycle_years", 1) if "cycle_years" in data else None
        grace_months = self.integer(data.get("grace_months", 0), "grace_months", 0)
        pattern = self.pattern(data.get("course_number_pattern"))
        example = data.get("course_number_example")
        example = None if example is None else self.text(example, "course_number_example")
        count_course_once = self.boolean(data.get("count_course_once", False), "count_course_once")
        cpr_aed_required = self.boolean(data.get("cpr_aed_required", False), "cpr_aed_required")
        # Later checks use what was written, so that one mistake is reported once, where it is.
        has_pattern = data.get("course_number_pattern") is not None
        kinds = self.kinds(data["kinds"], has_pattern) if "kinds" in data else ()
        written_kinds = set(data["kinds"]) if isinstance(data.get("kinds"), Mapping) else set()
        caps = self.caps(data.get("caps", []), written_kinds & set(ACTIVITY_KINDS))
        other_orgs = tuple(
            OtherOrg(name, unit)
            for name, unit in self.named_decimals(data.get("other_orgs", {}), "other_orgs", positive=True)
        )
        new_amounts = tuple(
            NewCertificationAmount(code, amount)
            for code, amount in self.named_decimals(
                data.get("new_certification_amounts", {}), "new_certification_amounts"
            )
        )
        petition_guide = self.optional_decimal(data.get("petition_guide_per_hour"), "petition_guide_per_hour")
        fees = self.fees(data.get("fees", {}))
        audit = self.audit(data.get("audit", {}))
        retention = self.retention(data.get("evidence_retention"))
        emeritus = self.emeritus(data.get("emeritus"))
        if self.errors:
            raise RuleParamsError(self.errors)
        assert unit is not None and unit_per_hour is not None and cycle_years is not None and grace_months is not None
        return RuleParams(
            unit=unit,
            unit_per_hour=unit_per_hour,
            cycle_years=cycle_years,
            grace_months=grace_months,
            course_number_pattern=pattern,
            course_number_example=example,
            count_course_once=count_course_once,
            cpr_aed_required=cpr_aed_required,
            kinds=kinds,
            caps=caps,
            other_orgs=other_orgs,
            new_certification_amounts=new_amounts,
            petition_guide_per_hour=petition_guide,
            fees=fees,
            audit=audit,
            evidence_retention=retention,
            emeritus=emeritus,
        )

    def pattern(self, raw: Any) -> str | None:
        if raw is None:
            return None
        if not isinstance(raw, str) or not raw:
            self.fail("course_number_pattern", "must be a regular expression or null")
            return None
        try:
            re.compile(raw)
        except re.error as exc:
            self.fail("course_number_pattern", f"invalid regular expression: {exc}")
            return None
        return raw

    def kinds(self, raw: Any, has_pattern: bool) -> tuple[KindRule, ...]:
        raw = self.mapping(raw, "kinds")
        if not raw and "kinds" not in self.errors:
            self.fail("kinds", "must list at least one kind")
        rules = []
        for kind, spec in raw.items():
            path = f"kinds.{kind}"
            if kind not in ACTIVITY_KINDS:
                self.fail(path, "unknown activity kind")
                continue
            rule = self.kind(kind, spec, path, has_pattern)
            if rule is not None:
                rules.append(rule)
        return tuple(rules)

    def kind(self, kind: str, raw: Any, path: str, has_pattern: bool) -> KindRule | None:
        before = len(self.errors)
        spec = self.mapping(raw, path, _KIND_ALL)
        status = self.choice(spec.get("status"), f"{path}.status", KIND_STATUSES)
        value = self.choice(spec.get("value", VALUE_NONE), f"{path}.value", VALUES)
        if value is not None:
            for key in spec:
                if key in _KIND_ALL - _KIND_COMMON and key not in VALUE_FIELDS.get(value, frozenset()):
                    self.fail(f"{path}.{key}", f'not used when value is "{value}"')
            if value in _OWN_VALUE.values() and _OWN_VALUE.get(kind) != value:
                self.fail(f"{path}.value", f'"{value}" is only for the kind of that name')
            elif kind in _OWN_VALUE and value not in (VALUE_NONE, _OWN_VALUE[kind]):
                self.fail(f"{path}.value", f'must be "{_OWN_VALUE[kind]}" or "none"')
        fields: dict[str, Any] = {}
        for name in _KIND_DECIMALS:
            if name in spec and spec[name] is not None:
                fields[name] = self.decimal(spec[name], f"{path}.{name}")
        if value == VALUE_FIXED and spec.get("amount") is None:
            self.fail(f"{path}.amount", 'required when value is "fixed"')
        if value == VALUE_HOURS:
            for name in ("per_hour", "default_hours"):
                if spec.get(name) is None:
                    self.fail(f"{path}.{name}", 'required when value is "hours"')
        if value == VALUE_COLLEGE:
            by_term = spec.get("per_semester_hour") is not None, spec.get("per_quarter_hour") is not None
            if spec.get("per_credit_hour") is not None:
                if any(by_term):
                    self.fail(f"{path}.per_credit_hour", "give either per_credit_hour or the per-term rates, not both")
            elif not all(by_term):
                self.fail(f"{path}.per_credit_hour", "required, or both per_semester_hour and per_quarter_hour")
        min_grade = spec.get("min_grade")
        if min_grade is not None:
            min_grade = self.choice(min_grade, f"{path}.min_grade", LETTER_GRADES)
        effective_from = spec.get("effective_from")
        if effective_from is not None:
            effective_from = self.day(effective_from, f"{path}.effective_from")
        course_number = self.boolean(spec.get("course_number", False), f"{path}.course_number")
        if course_number and not has_pattern:
            self.fail(f"{path}.course_number", "needs a course_number_pattern")
        if len(self.errors) > before or status is None or value is None:
            return None
        return KindRule(
            kind=kind,
            status=status,
            value=value,
            min_grade=min_grade,
            effective_from=effective_from,
            course_number=course_number,
            **fields,
        )

    def caps(self, raw: Any, kinds: set[str]) -> tuple[CapRule, ...]:
        if not isinstance(raw, list):
            self.fail("caps", "must be a list")
            return ()
        caps: list[CapRule] = []
        names: set[str] = set()
        for index, item in enumerate(raw):
            path = f"caps.{index}"
            before = len(self.errors)
            spec = self.mapping(item, path, {"name", "kinds", "per_year", "per_cycle", "year"})
            name = self.text(spec.get("name"), f"{path}.name")
            if name is not None:
                if name.casefold() in names:
                    self.fail(f"{path}.name", "another cap has this name")
                names.add(name.casefold())
            group = spec.get("kinds")
            if not isinstance(group, list) or not group or not all(isinstance(k, str) for k in group):
                self.fail(f"{path}.kinds", "must be a non-empty list of kinds")
                group = []
            elif len(set(group)) != len(group):
                self.fail(f"{path}.kinds", "lists a kind twice")
            else:
                for kind in group:
                    if kind not in kinds:
                        self.fail(f"{path}.kinds", f'"{kind}" is not a kind of this rule set')
            per_year = self.optional_decimal(spec.get("per_year"), f"{path}.per_year")
            per_cycle = self.optional_decimal(spec.get("per_cycle"), f"{path}.per_cycle")
            if spec.get("per_year") is None and spec.get("per_cycle") is None:
                self.fail(f"{path}.per_cycle", "give per_year, per_cycle or both")
            year = self.choice(spec.get("year", YEAR_CALENDAR), f"{path}.year", YEAR_BASES)
            if len(self.errors) == before and name is not None and year is not None:
                caps.append(CapRule(name, tuple(group), per_year, per_cycle, year))
        return tuple(caps)

    def named_decimals(self, raw: Any, path: str, positive: bool = False) -> list[tuple[str, Decimal]]:
        raw = self.mapping(raw, path)
        items: list[tuple[str, Decimal]] = []
        seen: set[str] = set()
        for name, amount in raw.items():
            item_path = f"{path}.{name}"
            if not isinstance(name, str) or not name.strip():
                self.fail(path, "names must be non-empty")
                continue
            if name.strip().casefold() in seen:
                self.fail(item_path, "listed twice (names are case-insensitive)")
            seen.add(name.strip().casefold())
            value = self.decimal(amount, item_path, positive=positive)
            if value is not None:
                items.append((name, value))
        return items

    def fees(self, raw: Any) -> Fees:
        spec = self.mapping(raw, "fees", {"currency", "late", "reinstatement", "emeritus_reinstatement", "renewal"})
        currency = self.text(spec.get("currency", "USD"), "fees.currency") or "USD"
        renewal = spec.get("renewal")
        return Fees(
            renewal=None if renewal is None else tuple(self.named_decimals(renewal, "fees.renewal")),
            currency=currency,
            late=self.optional_decimal(spec.get("late"), "fees.late"),
            reinstatement=self.optional_decimal(spec.get("reinstatement"), "fees.reinstatement"),
            emeritus_reinstatement=self.optional_decimal(
                spec.get("emeritus_reinstatement"), "fees.emeritus_reinstatement"
            ),
        )

    def audit(self, raw: Any) -> Audit:
        spec = self.mapping(raw, "audit", {"rate", "response_days"})
        rate = self.decimal(spec.get("rate", "0"), "audit.rate", at_most=Decimal(1))
        days = self.integer(spec.get("response_days", 30), "audit.response_days", 1)
        return Audit(rate=rate if rate is not None else Decimal(0), response_days=days or 30)

    def retention(self, raw: Any) -> Retention | None:
        if raw is None:
            return None
        spec = self.mapping(raw, "evidence_retention", {"years", "after"})
        years = self.integer(spec.get("years"), "evidence_retention.years", 0)
        after = self.choice(spec.get("after"), "evidence_retention.after", RETAIN_AFTER)
        return None if years is None or after is None else Retention(years, after)

    def emeritus(self, raw: Any) -> Emeritus | None:
        if raw is None:
            return None
        spec = self.mapping(raw, "emeritus", {"min_age", "min_years_certified", "code_suffix", "name_suffix"})
        min_age = self.integer(spec.get("min_age"), "emeritus.min_age", 0)
        min_years = self.integer(spec.get("min_years_certified"), "emeritus.min_years_certified", 0)
        code_suffix = self.text(spec.get("code_suffix"), "emeritus.code_suffix")
        name_suffix = self.text(spec.get("name_suffix"), "emeritus.name_suffix")
        if min_age is None or min_years is None or code_suffix is None or name_suffix is None:
            return None
        return Emeritus(min_age, min_years, code_suffix, name_suffix)
