"""RULES §2 and §4: ACE units, arithmetic and rules, on the shipped ACE rule set."""

from datetime import date
from decimal import Decimal

import pytest

from certifications.rules.engine import evidence_retained_until

from .support import ACE_VERSIONS, act, applied, defaults, one, run_ace

ACE = ACE_VERSIONS[0].params


def test_ace_counts_in_cecs_of_one_tenth_per_hour():
    """RULES §2: ACE counts in CECs where 0.1 CEC = 1 hour of structured learning."""
    assert ACE.unit == "CEC"
    assert ACE.unit_per_hour == Decimal("0.1")


def test_twenty_entries_of_a_tenth_make_exactly_two():
    """RULES §2: all amounts are decimals: twenty ACE entries of 0.1 make exactly 2.0."""
    result = run_ace(
        *(
            act(f"a{i}", "approved_course", "2024-05-01", amount="0.1", course_number=f"CA{10000 + i}")
            for i in range(20)
        )
    )
    assert result.earned == Decimal("2.0")
    assert str(result.earned) == "2.00"
    assert result.remaining == 0
    assert result.status == "requirements_met"


def test_each_applied_amount_is_rounded_half_up_to_cents():
    """RULES §2: 1.01 quarter hours x 0.8 = 0.808 -> 0.81; earned is the sum of the rounded amounts."""
    result = run_ace(
        *(
            act(f"q{i}", "college_course", "2024-05-01", credit_hours="1.01", term="quarter", grade="B")
            for i in range(3)
        )
    )
    assert [str(item.applied) for item in result.activities] == ["0.81", "0.81", "0.81"]
    assert str(result.earned) == "2.43"  # not 2.424 rounded to 2.42


def test_every_ace_credential_requires_two_cecs_every_two_years():
    """RULES §4 required per cycle: 2.0 CECs (20 hours) every 2 years, for every ACE credential."""
    codes = [item["code"] for item in defaults.organization("ace")["credentials"]]
    assert codes == ["ACE-CPT", "ACE-GFI", "ACE-HC", "ACE-MES"]
    for code in codes:
        assert defaults.credential(code).required == Decimal("2.0")
        assert defaults.credential(code).organization == "ACE"
    assert ACE.cycle_years == 2


def test_approved_course_counts_its_cecs():
    """RULES §4 approved course: counts the CECs of its ACE-approved course number."""
    result = run_ace(act("c", "approved_course", "2024-05-01", amount="0.7", course_number="CA23456"))
    assert applied(result) == {"c": ("0.70", None)}
    assert one(result, "c").full == Decimal("0.70")


@pytest.mark.parametrize("number", ["CA23456", "CEP123456", "CP12345", "CS123456", "CL00001", "ca23456", " CA23456 "])
def test_valid_course_numbers(number):
    """RULES §4 course number format: CEP, CP, CA, CS or CL then 5 or 6 digits (trimmed, any case)."""
    result = run_ace(act("c", "approved_course", "2024-05-01", amount="0.5", course_number=number))
    assert applied(result) == {"c": ("0.50", None)}


@pytest.mark.parametrize(
    "number", ["CA1234", "CA1234567", "CX12345", "CE12345", "CEP12345X", "12345", "CA 23456", "CA23456\n7", "", None]
)
def test_invalid_course_numbers(number):
    """RULES §4 course number format: anything else is invalid -> invalid_course_number."""
    result = run_ace(act("c", "approved_course", "2024-05-01", amount="0.5", course_number=number))
    assert applied(result) == {"c": ("0.00", "invalid_course_number")}
    assert one(result, "c").full == Decimal("0.50")


def test_multi_session_event_has_one_number_with_the_cumulative_cecs():
    """RULES §4 multi-session events: one number for the whole event; the cumulative CECs go with it."""
    result = run_ace(
        act("conference", "approved_course", "2024-05-03", amount="1.5", course_number="CEP123456"),
        act("same_event_again", "approved_course", "2024-05-04", amount="1.5", course_number="CEP123456"),
    )
    assert applied(result) == {"conference": ("1.50", None), "same_event_again": ("0.00", "duplicate_course")}


@pytest.mark.parametrize("kind", ["cpr", "aed", "first_aid"])
def test_cpr_aed_first_aid_are_two_tenths_whatever_the_hours(kind):
    """RULES §4 CPR, AED, First Aid: 0.2 CEC each, whatever the hours."""
    result = run_ace(act("x", kind, "2024-05-01", hours="8"))
    assert applied(result) == {"x": ("0.20", None)}


def test_cpr_aed_first_aid_each_count_once_per_cycle():
    """RULES §4 Interpretation: each of CPR, AED and First Aid counts once per cycle (max 0.6)."""
    result = run_ace(
        act("cpr1", "cpr", "2024-02-01"),
        act("aed1", "aed", "2024-02-01"),
        act("fa1", "first_aid", "2024-02-01"),
        act("cpr2", "cpr", "2025-02-01"),
        act("aed2", "aed", "2025-02-01"),
    )
    assert applied(result) == {
        "cpr1": ("0.20", None),
        "aed1": ("0.20", None),
        "fa1": ("0.20", None),
        "cpr2": ("0.00", "cap_reached"),
        "aed2": ("0.00", "cap_reached"),
    }
    assert result.earned == Decimal("0.6")


@pytest.mark.parametrize(
    ("term", "hours", "expected"),
    [("semester", "3", "3.00"), ("quarter", "3", "2.40"), ("Quarter", "1.01", "0.81"), (" semester ", "0.5", "0.50")],
)
def test_college_course_per_semester_and_quarter_hour(term, hours, expected):
    """RULES §4 college course: 1.0 CEC per semester hour, 0.8 CEC per quarter hour."""
    result = run_ace(act("c", "college_course", "2024-05-01", credit_hours=hours, term=term, grade="B"))
    assert applied(result) == {"c": (expected, None)}


def test_college_course_without_a_known_term_gets_the_lower_rate():
    """RULES §8 requires the term for ACE; should one be missing, the engine never credits more than is due."""
    result = run_ace(act("c", "college_course", "2024-05-01", credit_hours="2", grade="A"))
    assert applied(result) == {"c": ("1.60", None)}


@pytest.mark.parametrize(
    ("grade", "counts"),
    [
        ("A+", True),
        ("a", True),
        ("B-", True),
        ("C+", True),
        ("C", True),
        (" c ", True),
        ("C-", False),
        ("D", False),
        ("F", False),
        ("P", False),
        ("Pass", False),
        ("", False),
        (None, False),
    ],
)
def test_college_course_needs_grade_c_or_better(grade, counts):
    """RULES §4 college course / §6 grade_too_low: C or better; C- and below, or no letter grade, do not count."""
    result = run_ace(act("c", "college_course", "2024-05-01", credit_hours="1", term="semester", grade=grade))
    assert applied(result) == {"c": ("1.00", None) if counts else ("0.00", "grade_too_low")}


def test_other_structured_learning_only_through_a_petition():
    """RULES §4 other structured learning: only through an approved petition, which fixes the amount."""
    result = run_ace(
        act("pending", "petition", "2024-05-01", amount="0.3", petition_status="pending"),
        act("unknown", "petition", "2024-05-01"),
        act("denied", "petition", "2024-05-01", amount="0.3", petition_status="denied"),
        act("approved", "petition", "2024-05-01", amount="0.4", petition_status="Approved"),
    )
    assert applied(result) == {
        "pending": ("0.00", "petition_pending"),
        "unknown": ("0.00", "petition_pending"),
        "denied": ("0.00", "petition_denied"),
        "approved": ("0.40", None),
    }
    assert ACE.petition_guide_per_hour == Decimal("0.1")  # the guide: 0.1 CEC per hour


@pytest.mark.parametrize(
    "kind", ["workout", "job_duties", "job_shadowing", "reading", "auditing", "emt", "lifeguarding"]
)
def test_workouts_and_activity_courses_never_count(kind):
    """RULES §4 workout sessions, activity courses: never count; §6 lists the never-credited kinds."""
    result = run_ace(act("w", kind, "2024-05-01", amount="0.5", hours="5"))
    assert applied(result) == {"w": ("0.00", "ineligible_activity")}
    assert one(result, "w").full == 0


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("other_org_course", {"awarding_org": "NASM", "amount": "0.5"}),
        ("attendance_only", {}),
        ("teaching", {"amount": "0.4"}),
        ("lecturing", {"amount": "0.4"}),
        ("publication", {}),
    ],
)
def test_ace_not_approved_kinds(kind, fields):
    """RULES §6 not_approved (ACE): other_org_course, attendance_only, teaching, lecturing, publication."""
    result = run_ace(act("x", kind, "2024-05-01", **fields))
    assert applied(result) == {"x": ("0.00", "not_approved")}


def test_not_approved_keeps_the_full_value_it_would_have():
    """RULES §6: an activity applying less than its full value says why; the full value is still shown."""
    result = run_ace(act("t", "teaching", "2024-05-01", amount="0.4"))
    assert (one(result, "t").full, one(result, "t").applied) == (Decimal("0.40"), 0)


def test_ace_new_certification_is_ineligible():
    """RULES §6 ineligible_activity: ACE new_certification."""
    result = run_ace(act("n", "new_certification", "2024-05-01", new_credential=defaults.credential("ACE-HC")))
    assert applied(result) == {"n": ("0.00", "ineligible_activity")}


def test_same_course_twice_counts_once():
    """RULES §4 same course twice: a second activity with an already-credited course number gets 0."""
    result = run_ace(
        act("second", "approved_course", "2024-09-01", amount="0.5", course_number=" ca23456 "),
        act("first", "approved_course", "2024-05-01", amount="0.5", course_number="CA23456"),
    )
    assert applied(result) == {"second": ("0.00", "duplicate_course"), "first": ("0.50", None)}


def test_same_course_on_the_same_day_goes_by_recording_order():
    """RULES §6 duplicate_course: date order, then recording order."""
    result = run_ace(
        act("recorded_later", "approved_course", "2024-05-01", amount="0.5", course_number="CA23456", seq=2),
        act("recorded_first", "approved_course", "2024-05-01", amount="0.5", course_number="CA23456", seq=1),
    )
    assert applied(result) == {"recorded_later": ("0.00", "duplicate_course"), "recorded_first": ("0.50", None)}


def test_earlier_copy_outside_the_cycle_does_not_block():
    """RULES §6 duplicate_course: an earlier copy outside the cycle does not block it."""
    result = run_ace(
        act("previous_cycle", "approved_course", "2023-05-01", amount="0.5", course_number="CA23456"),
        act("this_cycle", "approved_course", "2024-05-01", amount="0.5", course_number="CA23456"),
    )
    assert applied(result) == {"previous_cycle": ("0.00", "outside_cycle"), "this_cycle": ("0.50", None)}


def test_invalid_copy_does_not_block_a_later_valid_entry():
    """RULES §6 duplicate_course: only an already-credited course number blocks."""
    result = run_ace(
        act("bad", "approved_course", "2024-05-01", amount="0.5", course_number="CA1"),
        act("bad_again", "approved_course", "2024-05-02", amount="0.5", course_number="CA1"),
        act("good", "approved_course", "2024-05-03", amount="0.5", course_number="CA12345"),
    )
    assert applied(result) == {
        "bad": ("0.00", "invalid_course_number"),
        "bad_again": ("0.00", "invalid_course_number"),
        "good": ("0.50", None),
    }


def test_keep_certificates_four_years_after_completion():
    """RULES §4 keep certificates: at least 4 years after completion."""
    assert evidence_retained_until(params=ACE, completed_on=date(2024, 2, 29), renewed_on=None) == date(2028, 2, 29)
    assert evidence_retained_until(params=ACE, completed_on=date(2024, 5, 1), renewed_on=None) == date(2028, 5, 1)
