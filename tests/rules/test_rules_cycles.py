"""RULES §3: which dates count toward a cycle, and the status of a cycle as of a date."""

import itertools
from datetime import date

import pytest

from certifications.rules.engine import Cycle, cycle_status

from .support import ACE_VERSIONS, act, applied, defaults, run_ace, run_acsm, variant, versions_of

_numbers = itertools.count(10000)


def course(id_: str, on: str, amount: str = "0.5") -> object:
    """An approved course with a course number of its own (so the ACE duplicate rule stays out of the way)."""
    return act(id_, "approved_course", on, amount=amount, course_number=f"CA{next(_numbers)}")


def test_window_is_start_to_end_inclusive_for_ace():
    """RULES §3: an activity counts only if completed within [start, end]; ACE has no grace period."""
    result = run_ace(
        course("before", "2023-12-31"),
        course("first", "2024-01-01"),
        course("last", "2025-12-31"),
        course("after", "2026-01-01"),
    )
    assert applied(result) == {
        "before": ("0.00", "outside_cycle"),
        "first": ("0.50", None),
        "last": ("0.50", None),
        "after": ("0.00", "outside_cycle"),
    }


def test_acsm_grace_period_activities_count_toward_the_cycle_being_completed():
    """RULES §3: for ACSM, activities completed within the grace period (end, end + 6 months] count."""
    result = run_acsm(
        act("end", "approved_course", "2026-03-14", amount="1"),
        act("grace", "approved_course", "2026-03-15", amount="1"),
        act("grace_last", "approved_course", "2026-09-14", amount="1"),
        act("lapsed", "approved_course", "2026-09-15", amount="1"),
    )
    assert applied(result) == {
        "end": ("1.00", None),
        "grace": ("1.00", None),
        "grace_last": ("1.00", None),
        "lapsed": ("0.00", "outside_cycle"),
    }


def test_grace_period_credits_never_count_toward_the_next_cycle():
    """RULES §3: CECs earned during grace count toward the cycle being completed, never toward the next one.

    The caller says up to when the previous cycle's grace period was used (its renewal date).
    """
    grace_course = act("g", "approved_course", "2026-05-01", amount="5")
    later_course = act("n", "approved_course", "2026-07-01", amount="5")
    old = run_acsm(grace_course, as_of="2026-05-02")
    assert applied(old)["g"] == ("5.00", None)
    new = run_acsm(
        grace_course, later_course, start="2026-03-15", as_of="2026-08-01", previous_cycle_until=date(2026, 5, 1)
    )
    assert applied(new) == {"g": ("0.00", "outside_cycle"), "n": ("5.00", None)}


def test_excess_never_carries_over():
    """RULES §3: excess never carries over: the next cycle does not see the previous cycle's activities."""
    activities = [course(f"c{i}", "2025-06-01", "0.5") for i in range(6)]
    first = run_ace(*activities)
    assert first.earned == 3 and first.remaining == 0
    second = run_ace(*activities, start="2026-01-01", as_of="2026-02-01")
    assert second.earned == 0
    assert {item.reason for item in second.activities} == {"outside_cycle"}


@pytest.mark.parametrize(
    ("as_of", "met", "expected"),
    [
        ("2024-01-01", False, "in_progress"),
        ("2026-03-14", False, "in_progress"),  # the end date itself is still inside the cycle
        ("2026-03-14", True, "requirements_met"),
        ("2026-03-15", True, "grace"),  # after the end: grace whatever the credits
        ("2026-09-14", False, "grace"),
        ("2026-09-15", True, "lapsed"),
    ],
)
def test_acsm_status_as_of_a_date(as_of, met, expected):
    """RULES §3: in_progress / requirements_met on or before the end; grace, then lapsed, after it (ACSM)."""
    cycle = Cycle(date(2023, 3, 15), date(2026, 3, 14), date(2026, 9, 14))
    assert cycle_status(cycle=cycle, as_of=date.fromisoformat(as_of), met=met) == expected


def test_ace_status_after_the_end_is_expired():
    """RULES §3 Interpretation: after the end date an unrenewed ACE certification is expired."""
    enough = [course(f"c{i}", "2024-06-01", "1.0") for i in range(2)]
    assert run_ace(*enough, as_of="2025-12-31").status == "requirements_met"
    assert run_ace(*enough, as_of="2026-01-01").status == "expired"


def test_ace_admin_can_set_a_grace_period():
    """RULES §3: an ACE admin who wants the six-month late-renewal period sets the grace months in the rule set."""
    versions = versions_of(variant(defaults.ACE_PARAMS, grace_months=6))
    result = run_ace(course("late", "2026-03-01"), as_of="2026-03-02", versions=versions)
    assert result.cycle.grace_until == date(2026, 6, 30)
    assert result.status == "grace"
    assert applied(result)["late"] == ("0.50", None)


@pytest.mark.parametrize("recorded", ["renewed", "inactive", "emeritus"])
def test_recorded_status_overrides_the_computed_one(recorded):
    """RULES §3: renewed, inactive (audit failed or documents late) and emeritus are recorded, and win."""
    result = run_acsm(as_of="2027-01-01", recorded_status=recorded)
    assert result.status == recorded


def test_unknown_recorded_status_is_refused():
    with pytest.raises(ValueError):
        run_acsm(recorded_status="paused")


def test_as_of_decides_only_the_status():
    """RULES §8: as_of decides only the status; activities dated after it still count (planning)."""
    result = run_acsm(act("future", "approved_course", "2025-06-01", amount="45"), as_of="2024-01-01")
    assert result.earned == 45
    assert result.status == "requirements_met"


def test_acsm_requirements_met_needs_cpr_aed_valid_on_the_end_date():
    """RULES §3: ACSM requires a current CPR/AED: not valid on the end date -> not requirements_met."""
    credits = act("c", "approved_course", "2024-06-01", amount="45")
    assert run_acsm(credits, cpr="2026-03-14").status == "requirements_met"
    assert run_acsm(credits, cpr="2026-03-13").status == "in_progress"
    unknown = run_acsm(credits, cpr=None)
    assert unknown.status == "in_progress"
    assert unknown.cpr_aed_ok is False and unknown.remaining == 0


def test_ace_has_no_cpr_aed_condition():
    """RULES §3: the CPR/AED condition applies only where the organization has one (not ACE)."""
    result = run_ace(course("a", "2024-06-01", "2.0"))
    assert result.status == "requirements_met"
    assert result.cpr_aed_ok is True


def test_several_ace_certifications_each_count_the_activity_by_their_own_cycle():
    """RULES §4 several ACE certifications: an activity counts toward every ACE cycle containing its date."""
    activities = [course("early", "2024-03-01", "1.0"), course("shared", "2025-01-15", "1.0")]
    cpt = run_ace(*activities, code="ACE-CPT", start="2024-01-01")
    gfi = run_ace(*activities, code="ACE-GFI", start="2024-07-01")
    assert applied(cpt) == {"early": ("1.00", None), "shared": ("1.00", None)}
    assert applied(gfi) == {"early": ("0.00", "outside_cycle"), "shared": ("1.00", None)}
    assert (cpt.credential, gfi.credential) == ("ACE-CPT", "ACE-GFI")


def test_remaining_is_never_negative():
    """RULES §8: remaining = max(required - earned, 0); earned is not cut to the requirement."""
    result = run_acsm(act("big", "approved_course", "2024-01-01", amount="50"))
    assert (result.required, result.earned, result.remaining) == (45, 50, 0)
    assert str(result.required) == "45.00" and str(result.remaining) == "0.00"


def test_ace_versions_fixture_is_the_shipped_one():
    assert ACE_VERSIONS == defaults.versions("ace")
