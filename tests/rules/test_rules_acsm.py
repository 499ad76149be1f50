"""RULES §2 and §5: ACSM units and rules, on the shipped ACSM rule set."""

from datetime import date
from decimal import Decimal

import pytest

from certifications.rules.engine import CredentialInfo, evidence_retained_until

from .support import ACSM_VERSIONS, act, applied, defaults, one, run_acsm

ACSM = ACSM_VERSIONS[0].params


def test_acsm_counts_one_cec_per_hour():
    """RULES §2: ACSM counts 1 CEC per hour."""
    assert (ACSM.unit, ACSM.unit_per_hour) == ("CEC", Decimal("1"))
    result = run_acsm(act("h", "other_org_course", "2024-01-10", awarding_org="Zumba", hours="3"))
    assert applied(result) == {"h": ("3.00", None)}


@pytest.mark.parametrize(
    ("code", "level", "required", "fee"),
    [("ACSM-GEI", 1, "45", "60"), ("ACSM-CPT", 2, "45", "60"), ("ACSM-EP", 3, "60", "70"), ("ACSM-CEP", 4, "60", "70")],
)
def test_credentials_required_and_renewal_fees(code, level, required, fee):
    """RULES §5 credential table: CECs per 3-year cycle and renewal fee; order GEI < CPT < EP < CEP."""
    item = next(c for c in defaults.organization("acsm")["credentials"] if c["code"] == code)
    assert (item["level"], item["required"], item["renewal_fee"]) == (level, required, fee)
    assert ACSM.fees.renewal_for(code) == Decimal(fee)  # the rule set's own, which renewals charge
    assert ACSM.fees.renewal_for(code.lower()) == Decimal(fee)
    assert defaults.credential(code) == CredentialInfo(code, "ACSM", level, Decimal(required))


def test_late_reinstatement_and_emeritus_fees():
    """RULES §5: late fee $80; reinstatement after lapse $225; reinstatement from emeritus $165."""
    assert (ACSM.fees.late, ACSM.fees.reinstatement, ACSM.fees.emeritus_reinstatement) == (80, 225, 165)
    assert ACSM.fees.currency == "USD"


def test_approved_provider_course_counts_its_cecs():
    """RULES §5 ACSM-approved provider course, ACSM event or online course: its CECs (1 per hour)."""
    result = run_acsm(act("c", "approved_course", "2024-01-10", amount="6.5"))
    assert applied(result) == {"c": ("6.50", None)}


@pytest.mark.parametrize(
    ("org", "amount", "hours", "expected"),
    [
        ("ACE", "0.3", None, "3.00"),  # decimal system: 0.1 -> 1.0
        (" nasm ", "0.1", None, "1.00"),  # names are trimmed and case-insensitive
        ("NSCA", "1.5", None, "15.00"),
        ("Zumba", "2", None, "2.00"),  # not listed: its amount 1:1
        ("ACSM", "2", None, "2.00"),
        (None, "1.25", None, "1.25"),
        ("ACE", None, "4", "4.00"),  # no known award: 1 per hour
        ("ACE", "0.2", "9", "2.00"),  # both: the amount wins
    ],
)
def test_course_of_another_organization_is_converted(org, amount, hours, expected):
    """RULES §5 course approved by another recognized organization: its award converted (0.1 -> 1.0), else 1/hour."""
    result = run_acsm(act("o", "other_org_course", "2024-01-10", awarding_org=org, amount=amount, hours=hours))
    assert applied(result) == {"o": (expected, None)}


def test_recognized_organizations_use_the_decimal_system():
    """RULES §5: recognized organizations ACE, NASM, NSCA, each with its unit (0.1 per hour)."""
    assert {org.name: org.unit_per_hour for org in ACSM.other_orgs} == {
        "ACE": Decimal("0.1"),
        "NASM": Decimal("0.1"),
        "NSCA": Decimal("0.1"),
    }


def test_attendance_only_workshop_applies_zero():
    """RULES §5 workshop or conference not formally approved (certificate of attendance only): 0, not_approved."""
    result = run_acsm(act("w", "attendance_only", "2024-01-10"))
    assert applied(result) == {"w": ("0.00", "not_approved")}


def test_college_course_is_ten_per_credit_hour_whatever_the_term():
    """RULES §5 college course: 10 per credit hour; ACSM ignores term (semester or quarter)."""
    result = run_acsm(
        act("sem", "college_course", "2024-01-10", credit_hours="3", term="semester", grade="B+"),
        act("qtr", "college_course", "2024-01-11", credit_hours="3", term="quarter", grade="C"),
        act("none", "college_course", "2024-01-12", credit_hours="1.5", grade="A"),
    )
    assert applied(result) == {"sem": ("30.00", None), "qtr": ("30.00", None), "none": ("15.00", None)}


def test_college_course_grade_c_or_better():
    """RULES §5 college course: grade C or better."""
    result = run_acsm(
        act("low", "college_course", "2024-01-10", credit_hours="3", grade="C-"),
        act("none", "college_course", "2024-01-10", credit_hours="3"),
    )
    assert applied(result) == {"low": ("0.00", "grade_too_low"), "none": ("0.00", "grade_too_low")}


def test_college_course_from_the_certification_date_on():
    """RULES §5 college courses: the cycle's start date is inclusive ('after the certification date')."""
    result = run_acsm(
        act("on_start", "college_course", "2023-03-15", credit_hours="1", grade="A"),
        act("before", "college_course", "2023-03-14", credit_hours="1", grade="A"),
    )
    assert applied(result) == {"on_start": ("10.00", None), "before": ("0.00", "outside_cycle")}


def test_teaching_and_lecturing_share_five_per_calendar_year():
    """RULES §5 teaching and lecturing: at most 5 per year, shared; Interpretation: the calendar year."""
    result = run_acsm(
        act("teach", "teaching", "2024-02-01", amount="3"),
        act("lecture", "lecturing", "2024-06-01", amount="3"),
        act("more", "lecturing", "2024-12-31", amount="1"),
        act("new_year", "teaching", "2025-01-01", amount="3"),
    )
    assert applied(result) == {
        "teach": ("3.00", None),
        "lecture": ("2.00", "cap_reached"),
        "more": ("0.00", "cap_reached"),
        "new_year": ("3.00", None),
    }
    lecture = one(result, "lecture")
    assert lecture.full == 3
    assert lecture.detail == "ACSM caps teaching and lecturing at 5 CECs a calendar year (2024): 2.00 of 3.00 applied."


def test_teaching_and_lecturing_at_most_fifteen_per_cycle():
    """RULES §5 teaching and lecturing: at most 15 per cycle (a cycle spans four calendar years)."""
    result = run_acsm(
        act("y2023", "teaching", "2023-06-01", amount="5"),
        act("y2024", "lecturing", "2024-06-01", amount="5"),
        act("y2025", "teaching", "2025-06-01", amount="4"),
        act("y2026", "teaching", "2026-02-01", amount="5"),
    )
    assert applied(result) == {
        "y2023": ("5.00", None),
        "y2024": ("5.00", None),
        "y2025": ("4.00", None),
        "y2026": ("1.00", "cap_reached"),
    }
    assert "a cycle" in one(result, "y2026").detail


def test_publication_is_ten_and_at_most_ten_per_cycle():
    """RULES §5 authoring or co-authoring: 10. Interpretation: 'up to 10 CECs' is a cap of 10 per cycle."""
    result = run_acsm(act("book", "publication", "2024-01-10"), act("article", "publication", "2025-01-10"))
    assert applied(result) == {"book": ("10.00", None), "article": ("0.00", "cap_reached")}


def test_cpr_counts_its_hours_from_2025():
    """RULES §5 CPR, AED, First Aid: only on or after 2025-01-01: their hours (default 1 hour)."""
    result = run_acsm(
        act("before", "cpr", "2024-12-31", hours="4"),
        act("cpr", "cpr", "2025-01-01", hours="2"),
        act("aed", "aed", "2025-02-01"),
        act("fa", "first_aid", "2025-03-01", hours="1.5"),
    )
    assert applied(result) == {
        "before": ("0.00", "before_effective_date"),
        "cpr": ("2.00", None),
        "aed": ("1.00", None),
        "fa": ("1.50", None),
    }
    assert one(result, "before").full == 4


def test_cpr_aed_first_aid_at_most_five_per_calendar_year_together():
    """RULES §5 CPR, AED, First Aid: at most 5 per calendar year, as one group."""
    result = run_acsm(
        act("cpr", "cpr", "2025-01-10", hours="3"),
        act("aed", "aed", "2025-05-10", hours="3"),
        act("fa", "first_aid", "2025-09-10", hours="2"),
        act("next_year", "first_aid", "2026-01-10", hours="2"),
    )
    assert applied(result) == {
        "cpr": ("3.00", None),
        "aed": ("2.00", "cap_reached"),
        "fa": ("0.00", "cap_reached"),
        "next_year": ("2.00", None),
    }


def test_new_higher_certifications_raise_the_level_in_date_order():
    """RULES §5 new, higher ACSM certification: CPT 10, EP 15, CEP 15; each credited one raises the level."""
    result = run_acsm(
        act("cep", "new_certification", "2025-06-01", new_credential=defaults.credential("ACSM-CEP")),
        act("cpt", "new_certification", "2023-06-01", new_credential=defaults.credential("ACSM-CPT")),
        act("ep", "new_certification", "2024-06-01", new_credential=defaults.credential("ACSM-EP")),
        code="ACSM-GEI",
    )
    assert applied(result) == {"cep": ("15.00", None), "cpt": ("10.00", None), "ep": ("15.00", None)}
    assert result.earned == 40


def test_new_certification_not_higher_than_the_current_one_applies_zero():
    """RULES §5: a new certification not higher than the current one: 0 (not_higher_level)."""
    result = run_acsm(
        act("same", "new_certification", "2024-01-10", new_credential=defaults.credential("ACSM-CPT")),
        act("lower", "new_certification", "2024-01-11", new_credential=defaults.credential("ACSM-GEI")),
        act("ep", "new_certification", "2024-02-01", new_credential=defaults.credential("ACSM-EP")),
        act("ep_again", "new_certification", "2024-03-01", new_credential=defaults.credential("ACSM-EP")),
    )
    assert applied(result) == {
        "same": ("0.00", "not_higher_level"),
        "lower": ("0.00", "not_higher_level"),
        "ep": ("15.00", None),
        "ep_again": ("0.00", "not_higher_level"),
    }


def test_new_certification_level_starts_at_the_current_credential_level():
    """RULES §8 current_credential_level: an EP holder earning the CPT gets nothing for it."""
    result = run_acsm(
        act("cpt", "new_certification", "2024-01-10", new_credential=defaults.credential("ACSM-CPT")),
        code="ACSM-GEI",
        current_level=defaults.credential("ACSM-EP"),
    )
    assert applied(result) == {"cpt": ("0.00", "not_higher_level")}


def test_new_certification_of_another_organization_applies_zero():
    """RULES §5/§6: a new certification from another organization: 0, ineligible_activity."""
    result = run_acsm(
        act("ace", "new_certification", "2024-01-10", new_credential=defaults.credential("ACE-CPT")),
        act("unknown", "new_certification", "2024-01-10"),
    )
    assert applied(result) == {"ace": ("0.00", "ineligible_activity"), "unknown": ("0.00", "ineligible_activity")}


@pytest.mark.parametrize(
    "kind", ["auditing", "job_duties", "job_shadowing", "reading", "emt", "lifeguarding", "workout"]
)
def test_never_credited_kinds(kind):
    """RULES §5: auditing a college course, job duties, job shadowing, reading, EMT, lifeguarding, workouts: 0."""
    result = run_acsm(act("x", kind, "2024-01-10", amount="3", hours="3"))
    assert applied(result) == {"x": ("0.00", "ineligible_activity")}


def test_caps_fill_in_date_order_then_recording_order():
    """RULES §5: caps are consumed in date order, then by recording order; the crossing activity applies in part."""
    result = run_acsm(
        act("late", "teaching", "2024-09-01", amount="4"),
        act("same_day_second", "lecturing", "2024-03-01", amount="2", seq=7),
        act("same_day_first", "teaching", "2024-03-01", amount="2", seq=3),
    )
    assert applied(result) == {
        "late": ("1.00", "cap_reached"),
        "same_day_second": ("2.00", None),
        "same_day_first": ("2.00", None),
    }


def test_grace_period_activity_fills_the_caps_of_its_calendar_year():
    """RULES §5: the grace period applies to every kind, caps included (the calendar year of completion)."""
    result = run_acsm(
        act("before_end", "teaching", "2026-02-01", amount="4"),
        act("in_grace", "lecturing", "2026-05-01", amount="3"),
        as_of="2026-06-01",
    )
    assert applied(result) == {"before_end": ("4.00", None), "in_grace": ("1.00", "cap_reached")}
    assert result.status == "grace"


def test_audits_ten_percent_with_thirty_days_to_answer():
    """RULES §5 audits: ten percent of renewal submissions; 30 days from notification."""
    assert (ACSM.audit.rate, ACSM.audit.response_days) == (Decimal("0.10"), 30)


def test_retain_documentation_one_year_after_the_renewal():
    """RULES §5: retain documentation at least one calendar year after the renewal."""
    assert evidence_retained_until(params=ACSM, completed_on=date(2024, 1, 1), renewed_on=date(2026, 3, 1)) == date(
        2027, 3, 1
    )
    assert evidence_retained_until(params=ACSM, completed_on=date(2024, 1, 1), renewed_on=None) is None


def test_emeritus_conditions_and_designation():
    """RULES §5 emeritus: age 65+, certified 10 years+, retired; reads 'ACSM-CPT-E' / '... – Emeritus'."""
    assert ACSM.emeritus is not None
    assert (ACSM.emeritus.min_age, ACSM.emeritus.min_years_certified) == (65, 10)
    assert "ACSM-CPT" + ACSM.emeritus.code_suffix == "ACSM-CPT-E"
    assert "ACSM Certified Personal Trainer" + ACSM.emeritus.name_suffix == "ACSM Certified Personal Trainer – Emeritus"
