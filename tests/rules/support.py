"""Small builders shared by the rules-engine tests (pure: no Django)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from certifications.orgfile import shipped as defaults
from certifications.rules.engine import ActivityInput, AppliedActivity, CycleResult, RuleVersion, evaluate
from certifications.rules.params import RuleParams

D = Decimal
ACE_VERSIONS = defaults.versions("ace")
ACSM_VERSIONS = defaults.versions("acsm")


def day(text: str) -> date:
    return date.fromisoformat(text)


def act(id_: str, kind: str, on: str, **fields: Any) -> ActivityInput:
    """An activity; amounts, hours and credit hours may be given as strings."""
    for name in ("amount", "hours", "credit_hours"):
        if isinstance(fields.get(name), str):
            fields[name] = D(fields[name])
    return ActivityInput(id=id_, kind=kind, completed_on=day(on), **fields)


def run(
    *activities: ActivityInput,
    code: str,
    start: str,
    as_of: str,
    versions: tuple[RuleVersion, ...],
    cpr: str | None = None,
    **kwargs: Any,
) -> CycleResult:
    return evaluate(
        credential=defaults.credential(code),
        cycle_start=day(start),
        as_of=day(as_of),
        versions=versions,
        activities=activities,
        cpr_aed_valid_until=day(cpr) if cpr else None,
        **kwargs,
    )


def run_ace(
    *activities: ActivityInput,
    code: str = "ACE-CPT",
    start: str = "2024-01-01",
    as_of: str = "2024-06-01",
    versions: tuple[RuleVersion, ...] = ACE_VERSIONS,
    **kwargs: Any,
) -> CycleResult:
    """An ACE cycle 2024-01-01 .. 2025-12-31 by default."""
    return run(*activities, code=code, start=start, as_of=as_of, versions=versions, **kwargs)


def run_acsm(
    *activities: ActivityInput,
    code: str = "ACSM-CPT",
    start: str = "2023-03-15",
    as_of: str = "2024-06-01",
    cpr: str | None = "2030-01-01",
    versions: tuple[RuleVersion, ...] = ACSM_VERSIONS,
    **kwargs: Any,
) -> CycleResult:
    """An ACSM cycle 2023-03-15 .. 2026-03-14 (grace to 2026-09-14) by default, CPR/AED valid."""
    return run(*activities, code=code, start=start, as_of=as_of, versions=versions, cpr=cpr, **kwargs)


def one(result: CycleResult, id_: str) -> AppliedActivity:
    return next(item for item in result.activities if item.id == id_)


def applied(result: CycleResult) -> dict[str, tuple[str, str | None]]:
    """id -> (applied as a string, reason): compact, and proves the amounts are in cents."""
    return {item.id: (str(item.applied), item.reason) for item in result.activities}


def variant(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of a params dict with top-level keys replaced; `kinds__<kind>` replaces one kind rule."""
    data = copy.deepcopy(base)
    for key, value in changes.items():
        if key.startswith("kinds__"):
            data["kinds"][key.removeprefix("kinds__")] = value
        else:
            data[key] = value
    return data


def versions_of(params: dict[str, Any], effective_from: str = "2000-01-01") -> tuple[RuleVersion, ...]:
    return (RuleVersion(day(effective_from), RuleParams.from_dict(params)),)
