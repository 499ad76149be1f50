"""RULES §3 calendar: cycle ends, leap-day anniversaries, grace periods clamped to month ends."""

from datetime import date

import pytest

from certifications.orgfile import shipped as defaults
from certifications.rules.dates import add_months, add_years
from certifications.rules.engine import Cycle, cycle_for, next_cycle_start

from .support import ACE_VERSIONS, ACSM_VERSIONS, act, applied, run_ace

ACE = ACE_VERSIONS[0].params
ACSM = ACSM_VERSIONS[0].params


def test_add_years_keeps_the_day():
    assert add_years(date(2023, 3, 15), 3) == date(2026, 3, 15)
    assert add_years(date(2023, 3, 15), -1) == date(2022, 3, 15)


def test_leap_day_anniversary_in_a_common_year_is_march_first():
    """RULES §3: the anniversary of 29 February in a common year is 1 March."""
    assert add_years(date(2024, 2, 29), 1) == date(2025, 3, 1)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),  # common year: clamp to 28
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year: clamp to 29
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),  # across the year end
        (date(2026, 3, 14), 6, date(2026, 9, 14)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 5, 15), 0, date(2025, 5, 15)),
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_month(start, months, expected):
    """RULES §3: month arithmetic clamps to the month's last day."""
    assert add_months(start, months) == expected


def test_acsm_cycle_ends_the_day_before_the_third_anniversary():
    """RULES §3 example: ACSM certified 2023-03-15 -> cycle 2023-03-15 .. 2026-03-14, grace to 2026-09-14."""
    assert cycle_for(start=date(2023, 3, 15), params=ACSM) == Cycle(
        date(2023, 3, 15), date(2026, 3, 14), date(2026, 9, 14)
    )


def test_ace_cycle_is_two_years_without_grace():
    """RULES §3: ACE cycles are 2 years; Interpretation: the shipped ACE rule set has no grace period."""
    assert cycle_for(start=date(2024, 1, 1), params=ACE) == Cycle(date(2024, 1, 1), date(2025, 12, 31), None)


def test_leap_day_certification_ends_on_february_28():
    """RULES §3: certified 2024-02-29 -> the 2nd anniversary is 2026-03-01, so the cycle ends 2026-02-28."""
    cycle = cycle_for(start=date(2024, 2, 29), params=ACE)
    assert cycle.end == date(2026, 2, 28)
    assert cycle_for(start=date(2024, 2, 29), params=ACSM).end == date(2027, 2, 28)
    result = run_ace(
        act("last", "approved_course", "2026-02-28", amount="0.5", course_number="CA12345"),
        act("next", "approved_course", "2026-03-01", amount="0.5", course_number="CA12346"),
        start="2024-02-29",
    )
    assert applied(result) == {"last": ("0.50", None), "next": ("0.00", "outside_cycle")}


def test_grace_end_clamps_to_february():
    """RULES §3: grace is (end, end + 6 months], clamped: an end of 31 August gives a grace end in February."""
    assert cycle_for(start=date(2022, 9, 1), params=ACSM).grace_until == date(2026, 2, 28)
    assert cycle_for(start=date(2020, 9, 1), params=ACSM).grace_until == date(2024, 2, 29)


def test_next_cycle_keeps_the_original_schedule():
    """RULES §3: after a renewal (even during grace) the next cycle starts on the old cycle's anniversary."""
    cycle = cycle_for(start=date(2023, 3, 15), params=ACSM)
    assert next_cycle_start(cycle=cycle) == date(2026, 3, 15)
    leap = cycle_for(start=date(2024, 2, 29), params=ACE)
    assert next_cycle_start(cycle=leap) == date(2026, 3, 1)


def test_shipped_cycle_lengths():
    """RULES §3: ACE 2 years, ACSM 3 years with six months of grace."""
    assert (ACE.cycle_years, ACE.grace_months) == (2, 0)
    assert (ACSM.cycle_years, ACSM.grace_months) == (3, 6)
    assert defaults.organization("ACSM")["organization"]["slug"] == "acsm"
