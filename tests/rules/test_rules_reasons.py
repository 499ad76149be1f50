"""RULES §6: reason codes, zero-valued activities, and which code wins when several apply."""

from decimal import Decimal

import pytest

from certifications.rules.engine import REASONS

from .support import act, applied, defaults, one, run_ace, run_acsm, variant, versions_of


def test_reason_codes_in_precedence_order():
    """RULES §6: dates, then the kind, then the rule, then caps."""
    assert REASONS == (
        "outside_cycle",
        "ineligible_activity",
        "not_approved",
        "invalid_course_number",
        "petition_pending",
        "petition_denied",
        "grade_too_low",
        "before_effective_date",
        "not_higher_level",
        "duplicate_course",
        "cap_reached",
    )


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("approved_course", {"amount": "0"}),
        ("approved_course", {"amount": "0.00", "course_number": "bad"}),  # zero beats invalid_course_number
        ("teaching", {"amount": "0"}),  # zero beats not_approved
        ("college_course", {"credit_hours": "0", "term": "semester", "grade": "F"}),  # zero beats grade_too_low
        ("petition", {"amount": "0", "petition_status": "approved"}),
    ],
)
def test_activity_worth_zero_applies_zero_without_a_reason_ace(kind, fields):
    """RULES §6: an activity whose full value is zero (an amount of "0") always applies 0 with reason null."""
    result = run_ace(act("z", kind, "2024-05-01", **fields))
    assert applied(result) == {"z": ("0.00", None)}


def test_activity_worth_zero_has_no_reason_even_outside_the_cycle():
    """RULES §6: always -- even outside the cycle, and for ACSM CPR of zero hours before 2025."""
    result = run_acsm(
        act("old", "approved_course", "2020-01-01", amount="0"),
        act("cpr", "cpr", "2024-01-01", hours="0"),
        act("other", "other_org_course", "2024-01-01", awarding_org="ACE", amount="0"),
    )
    assert applied(result) == {"old": ("0.00", None), "cpr": ("0.00", None), "other": ("0.00", None)}


def test_never_credited_kind_has_a_reason_although_worth_nothing():
    """RULES §6: a kind the organization never credits says ineligible_activity (its full value is 0)."""
    result = run_acsm(act("w", "workout", "2024-01-01"))
    item = one(result, "w")
    assert (item.full, item.applied, item.reason) == (0, 0, "ineligible_activity")


def test_unknown_kind_to_the_rule_set_is_ineligible():
    """RULES §6 ineligible_activity: a kind the rule set does not list is never credited."""
    params = variant(defaults.ACSM_PARAMS)
    del params["kinds"]["reading"]
    result = run_acsm(act("r", "reading", "2024-01-01"), versions=versions_of(params))
    assert applied(result) == {"r": ("0.00", "ineligible_activity")}


def test_dates_win_over_the_kind():
    """RULES §6: outside_cycle wins over ineligible_activity and not_approved."""
    result = run_ace(act("w", "workout", "2023-01-01"), act("t", "teaching", "2023-01-01", amount="1"))
    assert applied(result) == {"w": ("0.00", "outside_cycle"), "t": ("0.00", "outside_cycle")}


def test_ineligible_wins_over_not_approved():
    """RULES §6: ineligible_activity before not_approved (another organization's certification, kind not approved)."""
    params = variant(
        defaults.ACSM_PARAMS, kinds__new_certification={"status": "not_approved", "value": "new_certification"}
    )
    result = run_acsm(
        act("ace", "new_certification", "2024-01-10", new_credential=defaults.credential("ACE-CPT")),
        act("own", "new_certification", "2024-01-10", new_credential=defaults.credential("ACSM-EP")),
        versions=versions_of(params),
    )
    assert applied(result) == {"ace": ("0.00", "ineligible_activity"), "own": ("0.00", "not_approved")}


def test_not_approved_wins_over_invalid_course_number():
    """RULES §6: not_approved before invalid_course_number."""
    params = variant(
        defaults.ACE_PARAMS, kinds__approved_course={"status": "not_approved", "value": "amount", "course_number": True}
    )
    result = run_ace(
        act("c", "approved_course", "2024-05-01", amount="1", course_number="XX1"), versions=versions_of(params)
    )
    assert applied(result) == {"c": ("0.00", "not_approved")}


def test_invalid_course_number_wins_over_petition_status():
    """RULES §6: invalid_course_number before petition_pending."""
    params = variant(
        defaults.ACE_PARAMS, kinds__petition={"status": "credited", "value": "petition", "course_number": True}
    )
    result = run_ace(
        act("bad", "petition", "2024-05-01", amount="1", course_number="XX1"),
        act("good", "petition", "2024-05-01", amount="1", course_number="CA12345"),
        versions=versions_of(params),
    )
    assert applied(result) == {"bad": ("0.00", "invalid_course_number"), "good": ("0.00", "petition_pending")}


def test_grade_wins_over_effective_date():
    """RULES §6: grade_too_low before before_effective_date."""
    college = {
        "status": "credited",
        "value": "college",
        "per_credit_hour": "10",
        "min_grade": "C",
        "effective_from": "2025-01-01",
    }
    params = variant(defaults.ACSM_PARAMS, kinds__college_course=college)
    result = run_acsm(
        act("low", "college_course", "2024-01-10", credit_hours="1", grade="D"),
        act("early", "college_course", "2024-01-10", credit_hours="1", grade="A"),
        act("ok", "college_course", "2025-01-10", credit_hours="1", grade="A"),
        versions=versions_of(params),
    )
    assert applied(result) == {
        "low": ("0.00", "grade_too_low"),
        "early": ("0.00", "before_effective_date"),
        "ok": ("10.00", None),
    }


def test_rule_reasons_do_not_consume_caps():
    """RULES §6: caps come last; an activity refused earlier neither reports cap_reached nor fills a cap."""
    result = run_acsm(
        act("old_cpr", "cpr", "2024-12-31", hours="5"),
        act("cpr", "cpr", "2025-01-02", hours="5"),
    )
    assert applied(result) == {"old_cpr": ("0.00", "before_effective_date"), "cpr": ("5.00", None)}


def test_duplicate_wins_over_cap():
    """RULES §6: duplicate_course before cap_reached."""
    params = variant(
        defaults.ACE_PARAMS,
        caps=[
            {"name": "courses", "kinds": ["approved_course"], "per_year": None, "per_cycle": "1", "year": "calendar"}
        ],
    )
    result = run_ace(
        act("first", "approved_course", "2024-05-01", amount="1", course_number="CA12345"),
        act("again", "approved_course", "2024-06-01", amount="1", course_number="CA12345"),
        act("other", "approved_course", "2024-07-01", amount="1", course_number="CA12346"),
        versions=versions_of(params),
    )
    assert applied(result) == {
        "first": ("1.00", None),
        "again": ("0.00", "duplicate_course"),
        "other": ("0.00", "cap_reached"),
    }


def test_not_higher_level_wins_over_cap_and_does_not_raise_the_level():
    """RULES §6: not_higher_level is a rule reason (before caps); only a credited certification raises the level."""
    result = run_acsm(
        act("gei", "new_certification", "2024-01-01", new_credential=defaults.credential("ACSM-GEI")),
        act("ep", "new_certification", "2024-02-01", new_credential=defaults.credential("ACSM-EP")),
        code="ACSM-CPT",
    )
    assert applied(result) == {"gei": ("0.00", "not_higher_level"), "ep": ("15.00", None)}


def test_applied_less_than_full_always_has_a_reason():
    """RULES §8: when applied is less than the full value (or zero), a reason code from §6."""
    result = run_acsm(
        act("a", "teaching", "2024-01-01", amount="7"),
        act("b", "approved_course", "2024-01-01", amount="2"),
        act("c", "reading", "2024-01-01"),
    )
    for item in result.activities:
        if item.applied < item.full or item.applied == 0:
            assert item.reason in REASONS
        else:
            assert item.reason is None
    assert one(result, "a").applied == Decimal("5.00")
