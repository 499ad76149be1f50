"""Rule-set parameters as data (RULES §7): validation, canonical round trip, and the shipped defaults."""

import dataclasses
import json

import pytest

from certifications.rules.params import RuleParams, RuleParamsError

from .support import defaults, variant


@pytest.mark.parametrize("data", [defaults.ACE_PARAMS, defaults.ACSM_PARAMS], ids=["ACE", "ACSM"])
def test_shipped_params_round_trip_exactly(data):
    """RULES §7: the shipped rule sets are data; from_dict then to_dict gives back the very same dict."""
    params = RuleParams.from_dict(data)
    assert params.to_dict() == data
    assert RuleParams.from_dict(json.loads(json.dumps(params.to_dict()))) == params


def test_params_are_immutable_and_hashable():
    params = RuleParams.from_dict(defaults.ACSM_PARAMS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.cycle_years = 5  # type: ignore[misc]
    assert hash(params) == hash(RuleParams.from_dict(defaults.ACSM_PARAMS))


def test_minimal_params_get_canonical_defaults():
    """Optional fields may be left out; to_dict writes every field, and reads back equal."""
    data = {"unit": "CEU", "unit_per_hour": "0.1", "cycle_years": 2, "kinds": {"workout": {"status": "ineligible"}}}
    params = RuleParams.from_dict(data)
    out = params.to_dict()
    assert out["grace_months"] == 0 and out["caps"] == [] and out["course_number_pattern"] is None
    assert out["audit"] == {"rate": "0", "response_days": 30}
    assert out["kinds"] == {"workout": {"status": "ineligible"}}
    assert RuleParams.from_dict(out) == params
    assert RuleParams.from_dict(out).to_dict() == out


def test_decimal_strings_keep_their_written_form():
    """Amounts are decimal strings; "0.10" stays "0.10" so the admin sees what was typed."""
    data = variant(defaults.ACSM_PARAMS, audit={"rate": "0.10", "response_days": 30})
    assert RuleParams.from_dict(data).to_dict()["audit"]["rate"] == "0.10"


def test_every_bad_field_is_named():
    bad = {
        "unit": " ",
        "unit_per_hour": "0",
        "cycle_years": 0,
        "grace_months": -1,
        "course_number_pattern": "(",
        "count_course_once": "yes",
        "kinds": {
            "cpr": {"status": "maybe", "value": "fixed"},
            "bogus": {"status": "credited"},
            "teaching": {"status": "credited", "value": "amount", "per_hour": "1"},
            "college_course": {
                "status": "credited",
                "value": "college",
                "per_credit_hour": "10",
                "per_semester_hour": "1",
            },
            "aed": {"status": "credited", "value": "hours", "per_hour": "1e1"},
            "lecturing": {"status": "credited", "value": "petition"},
            "petition": {"status": "credited", "value": "amount"},
            "first_aid": {"status": "credited", "value": "fixed", "amount": 0.2, "effective_from": "2025-02-30"},
            "approved_course": {"status": "credited", "value": "amount", "course_number": True},
            "publication": {"status": "credited", "value": "college", "per_credit_hour": "10", "min_grade": "E"},
        },
        "caps": [
            {"name": "x", "kinds": ["reading"]},
            {"name": "X", "kinds": ["teaching", "teaching"], "per_year": "5", "year": "week"},
        ],
        "other_orgs": {"ACE": 0.1, "ace": "0.1", "NASM": "0"},
        "new_certification_amounts": {"ACSM-CPT": "-10"},
        "fees": {"late": "80.0.0", "tip": "1"},
        "audit": {"rate": "1.5", "response_days": True},
        "evidence_retention": {"years": 1, "after": "forever"},
        "emeritus": {"min_age": 65},
        "extra": 1,
    }
    with pytest.raises(RuleParamsError) as caught:
        RuleParams.from_dict(bad)
    errors = caught.value.errors
    assert set(errors) == {
        "unit",
        "unit_per_hour",
        "cycle_years",
        "grace_months",
        "course_number_pattern",
        "count_course_once",
        "kinds.cpr.status",
        "kinds.cpr.amount",
        "kinds.bogus",
        "kinds.teaching.per_hour",
        "kinds.college_course.per_credit_hour",
        "kinds.aed.per_hour",
        "kinds.aed.default_hours",
        "kinds.lecturing.value",
        "kinds.petition.value",
        "kinds.first_aid.amount",
        "kinds.first_aid.effective_from",
        "kinds.publication.min_grade",
        "caps.0.kinds",
        "caps.0.per_cycle",
        "caps.1.name",
        "caps.1.kinds",
        "caps.1.year",
        "other_orgs.ACE",
        "other_orgs.ace",
        "other_orgs.NASM",
        "new_certification_amounts.ACSM-CPT",
        "fees.late",
        "fees.tip",
        "audit.rate",
        "audit.response_days",
        "evidence_retention.after",
        "emeritus.min_years_certified",
        "emeritus.code_suffix",
        "emeritus.name_suffix",
        "extra",
    }
    assert errors["kinds.bogus"] == "unknown activity kind"
    assert isinstance(caught.value, ValueError)


def test_course_number_rule_needs_a_pattern():
    data = variant(defaults.ACE_PARAMS, course_number_pattern=None)
    with pytest.raises(RuleParamsError) as caught:
        RuleParams.from_dict(data)
    assert caught.value.errors == {"kinds.approved_course.course_number": "needs a course_number_pattern"}


def test_required_fields_are_named():
    with pytest.raises(RuleParamsError) as caught:
        RuleParams.from_dict({})
    assert set(caught.value.errors) == {"unit", "unit_per_hour", "cycle_years", "kinds"}


def test_not_an_object():
    with pytest.raises(RuleParamsError) as caught:
        RuleParams.from_dict(["unit"])
    assert caught.value.errors == {"non_field_errors": "must be an object"}


def test_floats_are_refused():
    """RULES §2: decimals, never binary floats -- a JSON number for an amount is refused."""
    with pytest.raises(RuleParamsError) as caught:
        RuleParams.from_dict(variant(defaults.ACSM_PARAMS, unit_per_hour=1.0))
    assert set(caught.value.errors) == {"unit_per_hour"}


def test_lookups_are_case_insensitive():
    params = RuleParams.from_dict(defaults.ACSM_PARAMS)
    assert params.other_org_unit(" nasm ") == params.other_org_unit("NASM")
    assert params.new_certification_amount("acsm-ep") == 15
    assert params.kind_rule("not_a_kind") is None
    assert [cap.name for cap in params.caps_for("lecturing")] == ["teaching and lecturing"]


def test_shipped_organizations():
    """RULES §1/§4/§5: ACE and ACSM ship with their credentials and one rule-set version each."""
    assert [org["organization"]["slug"] for org in defaults.ORGANIZATIONS] == ["ace", "acsm"]
    assert [org["organization"]["short_name"] for org in defaults.ORGANIZATIONS] == ["ACE", "ACSM"]
    assert json.loads(json.dumps(defaults.ORGANIZATIONS)) == list(defaults.ORGANIZATIONS)
    for org in defaults.ORGANIZATIONS:
        assert len(defaults.versions(org["organization"]["slug"])) == 1
    with pytest.raises(KeyError):
        defaults.credential("NASM-CPT")
    assert defaults.credential(" acsm-cpt ").code == "ACSM-CPT"


def test_engine_code_names_no_organization():
    """ARCHITECTURE: data-driven -- nothing in the engine's code names ACE or ACSM or their numbers."""
    import inspect
    import re

    from certifications.rules import dates, engine, params

    for module in (engine, params, dates):
        assert not re.search(r"\b(ACE|ACSM|NASM|NSCA)\b", inspect.getsource(module)), module.__name__


def test_renewal_fees_by_credential_round_trip_and_a_version_without_them_defers_to_the_credential():
    from decimal import Decimal

    from certifications.orgfile.shipped import ACSM_PARAMS

    params = RuleParams.from_dict(ACSM_PARAMS)
    assert RuleParams.from_dict(params.to_dict()) == params
    fees = {"ACSM-GEI": "60", "ACSM-CPT": "60", "ACSM-EP": "70", "ACSM-CEP": "70"}
    assert params.to_dict()["fees"]["renewal"] == fees
    assert params.fees.renewal_for("ACSM-XYZ", default=Decimal("5")) is None  # listed fees: a code not listed has none
    older = RuleParams.from_dict({**ACSM_PARAMS, "fees": {"currency": "USD", "late": "80"}})
    assert older.fees.renewal is None and "renewal" not in older.to_dict()["fees"]
    assert older.fees.renewal_for("ACSM-CPT", default=Decimal("60")) == Decimal("60")
    with pytest.raises(RuleParamsError) as error:
        RuleParams.from_dict({**ACSM_PARAMS, "fees": {"renewal": {"ACSM-CPT": "-1", "acsm-cpt": "2"}}})
    assert set(error.value.errors) == {"fees.renewal.ACSM-CPT", "fees.renewal.acsm-cpt"}
