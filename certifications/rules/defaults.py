"""The rule sets shipped with the product (RULES §4, §5), as JSON-compatible data loaded on a new installation.

Each organization ships one rule-set version, effective 2000-01-01 so that it covers every cycle a
person can still hold. ACSM's 2025-01-01 CPR/AED/First Aid change is the per-kind `effective_from`
inside that version rather than a second version: RULES §5/§6 want CPR completed before that date to
apply 0 with `before_effective_date`, which a second version (CPR ineligible before it) could not say.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from certifications.rules.engine import CredentialInfo, RuleVersion
from certifications.rules.params import RuleParams

# Kinds both organizations never credit (RULES §6 ineligible_activity).
_NEVER = {
    kind: {"status": "ineligible"}
    for kind in ("workout", "job_duties", "job_shadowing", "reading", "auditing", "emt", "lifeguarding")
}

# Decimal-system organizations (0.1 unit per hour) named by RULES §5, plus ACSM's own 1 per hour.
_DECIMAL_ORGS = {"ACE": "0.1", "NASM": "0.1", "NSCA": "0.1"}

ACE_PARAMS: dict[str, Any] = {
    "unit": "CEC",
    "unit_per_hour": "0.1",
    "cycle_years": 2,
    "grace_months": 0,  # Interpretation (RULES §3): the ACE documents give no grace period
    "course_number_pattern": "(CEP|CP|CA|CS|CL)[0-9]{5,6}",
    "count_course_once": True,
    "cpr_aed_required": False,
    "kinds": {
        "approved_course": {"status": "credited", "value": "amount", "course_number": True},
        "other_org_course": {"status": "not_approved", "value": "other_org"},
        "college_course": {
            "status": "credited",
            "value": "college",
            "per_semester_hour": "1.0",
            "per_quarter_hour": "0.8",
            "min_grade": "C",
        },
        "cpr": {"status": "credited", "value": "fixed", "amount": "0.2"},
        "aed": {"status": "credited", "value": "fixed", "amount": "0.2"},
        "first_aid": {"status": "credited", "value": "fixed", "amount": "0.2"},
        "teaching": {"status": "not_approved", "value": "amount"},
        "lecturing": {"status": "not_approved", "value": "amount"},
        "publication": {"status": "not_approved"},
        "new_certification": {"status": "ineligible"},
        "petition": {"status": "credited", "value": "petition"},
        "attendance_only": {"status": "not_approved"},
        **_NEVER,
    },
    # Interpretation (RULES §4): CPR, AED and First Aid each count once per cycle, as caps of one award each.
    "caps": [
        {"name": "CPR", "kinds": ["cpr"], "per_year": None, "per_cycle": "0.2", "year": "calendar"},
        {"name": "AED", "kinds": ["aed"], "per_year": None, "per_cycle": "0.2", "year": "calendar"},
        {"name": "First Aid", "kinds": ["first_aid"], "per_year": None, "per_cycle": "0.2", "year": "calendar"},
    ],
    "other_orgs": {"ACSM": "1", "NASM": "0.1", "NSCA": "0.1"},  # units only: ACE does not approve their courses
    "new_certification_amounts": {},
    "petition_guide_per_hour": "0.1",
    # ACE's documents publish no fees; each ACE certification still renews (and pays) separately.
    "fees": {"currency": "USD", "late": None, "reinstatement": None, "emeritus_reinstatement": None, "renewal": {}},
    "audit": {"rate": "0", "response_days": 30},  # Interpretation: the ACE documents describe no random audit
    "evidence_retention": {"years": 4, "after": "completion"},
    "emeritus": None,
}

ACSM_PARAMS: dict[str, Any] = {
    "unit": "CEC",
    "unit_per_hour": "1",
    "cycle_years": 3,
    "grace_months": 6,
    "course_number_pattern": None,
    "count_course_once": False,
    "cpr_aed_required": True,
    "kinds": {
        "approved_course": {"status": "credited", "value": "amount"},
        "other_org_course": {"status": "credited", "value": "other_org"},
        "college_course": {"status": "credited", "value": "college", "per_credit_hour": "10", "min_grade": "C"},
        "cpr": {
            "status": "credited",
            "value": "hours",
            "per_hour": "1",
            "default_hours": "1",
            "effective_from": "2025-01-01",
        },
        "aed": {
            "status": "credited",
            "value": "hours",
            "per_hour": "1",
            "default_hours": "1",
            "effective_from": "2025-01-01",
        },
        "first_aid": {
            "status": "credited",
            "value": "hours",
            "per_hour": "1",
            "default_hours": "1",
            "effective_from": "2025-01-01",
        },
        "teaching": {"status": "credited", "value": "amount"},
        "lecturing": {"status": "credited", "value": "amount"},
        "publication": {"status": "credited", "value": "fixed", "amount": "10"},
        "new_certification": {"status": "credited", "value": "new_certification"},
        "petition": {"status": "credited", "value": "petition"},
        "attendance_only": {"status": "not_approved"},
        **_NEVER,
    },
    "caps": [
        # One row of RULES §5: teaching and lecturing share both limits. Interpretation: calendar years.
        {
            "name": "teaching and lecturing",
            "kinds": ["teaching", "lecturing"],
            "per_year": "5",
            "per_cycle": "15",
            "year": "calendar",
        },
        # Interpretation (RULES §5): "up to 10 CECs" for publications is a cap of 10 per cycle.
        {"name": "publications", "kinds": ["publication"], "per_year": None, "per_cycle": "10", "year": "calendar"},
        {
            "name": "CPR, AED and First Aid",
            "kinds": ["cpr", "aed", "first_aid"],
            "per_year": "5",
            "per_cycle": None,
            "year": "calendar",
        },
    ],
    "other_orgs": dict(_DECIMAL_ORGS),
    "new_certification_amounts": {"ACSM-CPT": "10", "ACSM-EP": "15", "ACSM-CEP": "15"},
    "petition_guide_per_hour": None,
    "fees": {
        "currency": "USD",
        "late": "80",
        "reinstatement": "225",
        "emeritus_reinstatement": "165",
        "renewal": {"ACSM-GEI": "60", "ACSM-CPT": "60", "ACSM-EP": "70", "ACSM-CEP": "70"},  # RULES §5
    },
    "audit": {"rate": "0.10", "response_days": 30},
    "evidence_retention": {"years": 1, "after": "renewal"},
    "emeritus": {"min_age": 65, "min_years_certified": 10, "code_suffix": "-E", "name_suffix": " – Emeritus"},
}

# Organizations with their credentials (required amount and renewal fee as decimal strings; None = not given).
ORGANIZATIONS: tuple[dict[str, Any], ...] = (
    {
        "slug": "ace",
        "name": "ACE",
        "full_name": "American Council on Exercise",
        "credentials": [
            {
                "code": "ACE-CPT",
                "name": "ACE Certified Personal Trainer",
                "level": 1,
                "required": "2.0",
                "renewal_fee": None,
            },
            {
                "code": "ACE-GFI",
                "name": "ACE Certified Group Fitness Instructor",
                "level": 1,
                "required": "2.0",
                "renewal_fee": None,
            },
            {
                "code": "ACE-HC",
                "name": "ACE Certified Health Coach",
                "level": 1,
                "required": "2.0",
                "renewal_fee": None,
            },
            {
                "code": "ACE-MES",
                "name": "ACE Certified Medical Exercise Specialist",
                "level": 1,
                "required": "2.0",
                "renewal_fee": None,
            },
        ],
        "rule_sets": [{"effective_from": "2000-01-01", "params": ACE_PARAMS}],
    },
    {
        "slug": "acsm",
        "name": "ACSM",
        "full_name": "American College of Sports Medicine",
        "credentials": [
            {
                "code": "ACSM-GEI",
                "name": "ACSM Certified Group Exercise Instructor",
                "level": 1,
                "required": "45",
                "renewal_fee": "60",
            },
            {
                "code": "ACSM-CPT",
                "name": "ACSM Certified Personal Trainer",
                "level": 2,
                "required": "45",
                "renewal_fee": "60",
            },
            {
                "code": "ACSM-EP",
                "name": "ACSM Certified Exercise Physiologist",
                "level": 3,
                "required": "60",
                "renewal_fee": "70",
            },
            {
                "code": "ACSM-CEP",
                "name": "ACSM Certified Clinical Exercise Physiologist",
                "level": 4,
                "required": "60",
                "renewal_fee": "70",
            },
        ],
        "rule_sets": [{"effective_from": "2000-01-01", "params": ACSM_PARAMS}],
    },
)


def organization(slug: str) -> dict[str, Any]:
    """The shipped defaults of one organization, by slug (case-insensitive); KeyError if none."""
    for org in ORGANIZATIONS:
        if org["slug"] == slug.strip().lower():
            return org
    raise KeyError(slug)


def versions(slug: str) -> tuple[RuleVersion, ...]:
    """The shipped rule-set versions of one organization, validated."""
    return tuple(
        RuleVersion(date.fromisoformat(item["effective_from"]), RuleParams.from_dict(item["params"]))
        for item in organization(slug)["rule_sets"]
    )


def credential(code: str) -> CredentialInfo:
    """A shipped credential by code (trimmed, case-insensitive); KeyError if none."""
    wanted = code.strip().upper()
    for org in ORGANIZATIONS:
        for item in org["credentials"]:
            if item["code"] == wanted:
                return CredentialInfo(item["code"], org["name"], item["level"], Decimal(item["required"]))
    raise KeyError(code)
