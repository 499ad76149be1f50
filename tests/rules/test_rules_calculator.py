"""RULES §8: the calculator's example, and a third organization configured purely as data."""

from datetime import date
from decimal import Decimal

import pytest

from certifications.rules.engine import CredentialInfo, Cycle, RuleVersion, evaluate
from certifications.rules.params import RuleParams

from .support import ACSM_VERSIONS, act, applied, defaults


def test_the_specification_example():
    """RULES §8: ACSM-CPT certified 2023-03-15, as of 2026-05-01, CPR/AED valid until 2027-01-31 -> 43.00, grace."""
    result = evaluate(
        credential=defaults.credential("ACSM-CPT"),
        cycle_start=date(2023, 3, 15),
        as_of=date(2026, 5, 1),
        cpr_aed_valid_until=date(2027, 1, 31),
        current_level=defaults.credential("ACSM-CPT"),
        versions=ACSM_VERSIONS,
        activities=[
            act("a1", "approved_course", "2024-02-10", amount="6"),
            act("a2", "other_org_course", "2024-05-01", awarding_org="ACE", amount="0.3"),
            act("a3", "college_course", "2024-12-15", credit_hours="3", term="semester", grade="B+"),
            act("a4", "teaching", "2025-03-01", amount="4"),
        ],
    )
    assert (result.credential, result.organization) == ("ACSM-CPT", "ACSM")
    assert result.cycle == Cycle(date(2023, 3, 15), date(2026, 3, 14), date(2026, 9, 14))
    assert (str(result.required), str(result.earned), str(result.remaining)) == ("45.00", "43.00", "2.00")
    assert result.status == "grace"
    assert [(item.id, str(item.applied), item.reason) for item in result.activities] == [
        ("a1", "6.00", None),
        ("a2", "3.00", None),
        ("a3", "30.00", None),
        ("a4", "4.00", None),
    ]


def test_activities_come_back_in_request_order():
    """RULES §8: every activity comes back once, in request order, whatever their dates."""
    ids = ["z", "a", "m", "b"]
    dates = ["2025-01-01", "2023-04-01", "2024-01-01", "2023-03-20"]
    result = evaluate(
        credential=defaults.credential("ACSM-CPT"),
        cycle_start=date(2023, 3, 15),
        as_of=date(2024, 1, 1),
        versions=ACSM_VERSIONS,
        activities=[act(i, "approved_course", d, amount="1") for i, d in zip(ids, dates, strict=True)],
    )
    assert [item.id for item in result.activities] == ids


def test_current_level_of_another_organization_is_refused():
    """RULES §8: a current_credential_level of another organization is a 400 upstream; the engine refuses it too."""
    with pytest.raises(ValueError):
        evaluate(
            credential=defaults.credential("ACSM-CPT"),
            cycle_start=date(2023, 3, 15),
            as_of=date(2024, 1, 1),
            versions=ACSM_VERSIONS,
            activities=[],
            current_level=defaults.credential("ACE-CPT"),
        )


def test_negative_figures_are_refused():
    """RULES §8: amounts are non-negative (a 400 upstream); the engine never computes with a negative one."""
    with pytest.raises(ValueError):
        evaluate(
            credential=defaults.credential("ACSM-CPT"),
            cycle_start=date(2023, 3, 15),
            as_of=date(2024, 1, 1),
            versions=ACSM_VERSIONS,
            activities=[act("neg", "approved_course", "2024-01-01", amount="-1")],
        )


# A third organization, NASM, configured purely as data: 2.0 CEUs every 2 years, decimal unit, CPR/AED required.
NASM_PARAMS = {
    "unit": "CEU",
    "unit_per_hour": "0.1",
    "cycle_years": 2,
    "grace_months": 3,
    "course_number_pattern": "NASM-[0-9]{4}",
    "count_course_once": True,
    "cpr_aed_required": True,
    "kinds": {
        "approved_course": {"status": "credited", "value": "amount", "course_number": True},
        "other_org_course": {"status": "credited", "value": "other_org"},
        "cpr": {"status": "credited", "value": "hours", "per_hour": "0.1", "default_hours": "4"},
        "teaching": {"status": "credited", "value": "amount"},
        "workout": {"status": "ineligible"},
    },
    "caps": [{"name": "teaching", "kinds": ["teaching"], "per_year": None, "per_cycle": "0.5", "year": "cycle"}],
    "other_orgs": {"ACSM": "1", "ACE": "0.1"},
}
NASM_VERSIONS = (RuleVersion(date(2020, 1, 1), RuleParams.from_dict(NASM_PARAMS)),)
NASM_CPT = CredentialInfo("NASM-CPT", "NASM", 1, Decimal("2.0"))


def nasm(*activities, as_of="2025-01-01", cpr="2026-12-31"):
    return evaluate(
        credential=NASM_CPT,
        cycle_start=date(2024, 6, 1),
        as_of=date.fromisoformat(as_of),
        versions=NASM_VERSIONS,
        activities=activities,
        cpr_aed_valid_until=date.fromisoformat(cpr) if cpr else None,
    )


def test_third_organization_is_evaluated_by_the_same_engine():
    """RULES §7: rule sets are data: a NASM rule set needs no code (2.0 CEUs every 2 years, CPR/AED required)."""
    result = nasm(
        act("course", "approved_course", "2024-07-01", amount="1.0", course_number="nasm-1234"),
        act("again", "approved_course", "2024-08-01", amount="1.0", course_number="NASM-1234"),
        act("bad", "approved_course", "2024-08-01", amount="1.0", course_number="CA12345"),
        act("acsm", "other_org_course", "2024-09-01", awarding_org="ACSM", amount="6"),  # 6 CECs -> 0.6 CEU
        act("ace", "other_org_course", "2024-09-02", awarding_org="ACE", amount="0.2"),  # same unit: 0.2
        act("cpr", "cpr", "2024-10-01"),  # default 4 hours -> 0.4
        act("teach1", "teaching", "2024-11-01", amount="0.4"),
        act("teach2", "teaching", "2025-07-01", amount="0.4"),  # another cycle year, same per-cycle cap
        act("gym", "workout", "2024-11-02"),
        act("aed", "aed", "2024-11-03"),  # not listed by NASM: never credited
    )
    assert result.cycle == Cycle(date(2024, 6, 1), date(2026, 5, 31), date(2026, 8, 31))
    assert applied(result) == {
        "course": ("1.00", None),
        "again": ("0.00", "duplicate_course"),
        "bad": ("0.00", "invalid_course_number"),
        "acsm": ("0.60", None),
        "ace": ("0.20", None),
        "cpr": ("0.40", None),
        "teach1": ("0.40", None),
        "teach2": ("0.10", "cap_reached"),
        "gym": ("0.00", "ineligible_activity"),
        "aed": ("0.00", "ineligible_activity"),
    }
    assert (str(result.earned), result.unit, result.status) == ("2.70", "CEU", "requirements_met")
    assert "NASM caps teaching at 0.5 CEUs a cycle" in next(a for a in result.activities if a.id == "teach2").detail


def test_third_organization_cpr_condition_and_grace():
    """RULES §3 for a data-defined organization: CPR/AED condition; grace, then lapsed."""
    enough = act("course", "approved_course", "2024-07-01", amount="2.0", course_number="NASM-0001")
    assert nasm(enough, cpr="2026-05-30").status == "in_progress"
    assert nasm(enough, as_of="2026-06-01").status == "grace"
    assert nasm(enough, as_of="2026-09-01").status == "lapsed"


def test_cycle_year_caps():
    """A cap's 'per year' can be the cycle year (anniversary to anniversary) instead of the calendar year."""
    params = dict(
        NASM_PARAMS,
        caps=[{"name": "teaching", "kinds": ["teaching"], "per_year": "0.3", "per_cycle": None, "year": "cycle"}],
    )
    versions = (RuleVersion(date(2020, 1, 1), RuleParams.from_dict(params)),)
    result = evaluate(
        credential=NASM_CPT,
        cycle_start=date(2024, 6, 1),
        as_of=date(2025, 1, 1),
        versions=versions,
        activities=[
            act("y1a", "teaching", "2024-12-01", amount="0.2"),
            act("y1b", "teaching", "2025-05-31", amount="0.2"),  # still cycle year 1
            act("y2", "teaching", "2025-06-01", amount="0.2"),  # cycle year 2
        ],
    )
    assert applied(result) == {"y1a": ("0.20", None), "y1b": ("0.10", "cap_reached"), "y2": ("0.20", None)}


def test_rounding_is_half_up_not_half_even():
    """RULES §2: each applied amount is rounded half-up to 2 places (0.005 -> 0.01)."""
    cpr = {"status": "credited", "value": "hours", "per_hour": "0.25", "default_hours": "1"}
    params = dict(NASM_PARAMS, kinds={"cpr": cpr}, caps=[])
    versions = (RuleVersion(date(2020, 1, 1), RuleParams.from_dict(params)),)
    result = evaluate(
        credential=NASM_CPT,
        cycle_start=date(2024, 6, 1),
        as_of=date(2025, 1, 1),
        versions=versions,
        activities=[act("c", "cpr", "2024-07-01", hours="0.02"), act("d", "cpr", "2024-07-02", hours="0.06")],
    )
    assert applied(result) == {"c": ("0.01", None), "d": ("0.02", None)}  # 0.005 -> 0.01, 0.015 -> 0.02


def test_cap_written_with_more_decimals_is_never_exceeded():
    """RULES §2 cents and §5 caps: the room left under a cap is cut down to whole cents."""
    caps = [{"name": "teaching", "kinds": ["teaching"], "per_year": None, "per_cycle": "0.125", "year": "calendar"}]
    versions = (RuleVersion(date(2020, 1, 1), RuleParams.from_dict(dict(NASM_PARAMS, caps=caps))),)
    result = evaluate(
        credential=NASM_CPT,
        cycle_start=date(2024, 6, 1),
        as_of=date(2025, 1, 1),
        versions=versions,
        activities=[act("a", "teaching", "2024-07-01", amount="0.1"), act("b", "teaching", "2024-07-02", amount="0.1")],
    )
    assert applied(result) == {"a": ("0.10", None), "b": ("0.02", "cap_reached")}
