"""POST /api/v1/evaluate (RULES §8): happy paths, every class of bad input (400 naming the field), never a 500."""

import copy
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from certifications.calculator.api import REQUEST_EXAMPLE, RESPONSE_EXAMPLE
from credits.models import ApprovedCourse

pytestmark = pytest.mark.django_db


def body(**changes):
    data = copy.deepcopy(REQUEST_EXAMPLE)
    data.update(changes)
    return data


def one(kind, **fields):
    return {"id": "x", "kind": kind, "completed_on": "2024-06-01", **fields}


def ace(*activities, **changes):
    return {
        "credential": "ACE-CPT",
        "certified_on": "2024-01-01",
        "as_of": "2024-06-01",
        "activities": list(activities),
        **changes,
    }


def acsm(*activities, **changes):
    return body(activities=list(activities), **changes)


def assert_400(response, *path):
    """A 400 whose JSON names the field at `path` (strings for keys, ints for activity positions)."""
    assert response.status_code == 400, response.content
    node = response.json()
    for step in path:
        node = node[str(step) if isinstance(step, int) else step]
    assert node, response.json()
    return node


# --- happy paths ---------------------------------------------------------------------------------


def test_the_worked_example_of_rules_section_8(evaluate):
    response = evaluate(REQUEST_EXAMPLE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == RESPONSE_EXAMPLE


def test_it_needs_no_login_and_no_csrf_token(shipped):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    assert client.post("/api/v1/evaluate", REQUEST_EXAMPLE, format="json").status_code == 200


def test_a_signed_in_session_is_not_asked_for_a_csrf_token(shipped, trainer):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(trainer)
    assert client.post("/api/v1/evaluate", REQUEST_EXAMPLE, format="json").status_code == 200


def test_codes_are_trimmed_and_case_insensitive_and_activities_may_be_omitted(evaluate):
    data = {"credential": " acsm-cpt ", "certified_on": "2023-03-15", "as_of": "2024-01-01"}
    response = evaluate(data)
    assert response.status_code == 200
    result = response.json()
    assert (result["credential"], result["earned"], result["remaining"], result["activities"]) == (
        "ACSM-CPT",
        "0.00",
        "45.00",
        [],
    )
    assert result["status"] == "in_progress"


def test_as_of_defaults_to_today(evaluate):
    today = timezone.localdate()
    data = {"credential": "ACE-CPT", "certified_on": today.replace(year=today.year - 5).isoformat()}
    assert evaluate(data).json()["status"] == "expired"  # the cycle ended three years ago; ACE has no grace
    data["certified_on"] = today.isoformat()
    assert evaluate(data).json()["status"] == "in_progress"


def test_ace_cycle_has_no_grace_and_cpr_counts_once(evaluate):
    response = evaluate(ace(one("cpr", id="c1"), one("cpr", id="c2", completed_on="2024-07-01")))
    result = response.json()
    assert result["cycle"] == {"start": "2024-01-01", "end": "2025-12-31", "grace_until": None}
    assert result["activities"] == [
        {"id": "c1", "applied": "0.20", "reason": None},
        {"id": "c2", "applied": "0.00", "reason": "cap_reached"},
    ]


def test_the_catalog_fills_a_known_ace_course_number_without_an_amount(evaluate, shipped):
    ApprovedCourse.objects.create(
        organization=shipped["ACE"], course_number="CA23456", title="Kettlebells", amount=Decimal("0.7")
    )
    response = evaluate(ace(one("approved_course", id="k", course_number=" ca23456 ")))
    assert response.status_code == 200
    assert response.json()["activities"] == [{"id": "k", "applied": "0.70", "reason": None}]


def test_an_amount_given_wins_over_the_catalog(evaluate, shipped):
    ApprovedCourse.objects.create(
        organization=shipped["ACE"], course_number="CA23456", title="Kettlebells", amount=Decimal("0.7")
    )
    response = evaluate(ace(one("approved_course", course_number="CA23456", amount="0.3")))
    assert response.json()["earned"] == "0.30"


def test_other_organization_course_with_amount_and_hours_uses_the_amount(evaluate):
    response = evaluate(acsm(one("other_org_course", awarding_org="nasm", amount="0.5", hours="20")))
    assert response.json()["activities"][0]["applied"] == "5.00"


def test_a_new_certification_of_another_organization_applies_zero(evaluate):
    response = evaluate(acsm(one("new_certification", new_credential="ACE-HC")))
    assert response.status_code == 200
    assert response.json()["activities"][0] == {"id": "x", "applied": "0.00", "reason": "ineligible_activity"}


def test_a_higher_new_certification_counts_and_the_current_level_matters(evaluate):
    response = evaluate(acsm(one("new_certification", new_credential="acsm-ep")))
    assert response.json()["activities"][0]["applied"] == "15.00"
    response = evaluate(acsm(one("new_certification", new_credential="ACSM-EP"), current_credential_level="ACSM-CEP"))
    assert response.json()["activities"][0] == {"id": "x", "applied": "0.00", "reason": "not_higher_level"}


def test_without_cpr_aed_acsm_requirements_are_not_met(evaluate):
    activities = [one("approved_course", amount="45")]
    met = evaluate(acsm(*activities, as_of="2024-01-01")).json()
    unknown = evaluate(acsm(*activities, as_of="2024-01-01", cpr_aed_valid_until=None)).json()
    assert (met["status"], unknown["status"]) == ("requirements_met", "in_progress")


def test_term_is_checked_for_ace_only(evaluate):
    college = one("college_course", credit_hours="1", term="trimester", grade="A")
    assert evaluate(acsm(college)).json()["activities"][0]["applied"] == "10.00"
    assert_400(evaluate(ace(college)), "activities", 0, "term")
    assert_400(evaluate(ace({**college, "term": None})), "activities", 0, "term")
    assert evaluate(ace({**college, "term": " Quarter "})).json()["activities"][0]["applied"] == "0.80"


def test_every_activity_comes_back_once_in_request_order(evaluate):
    activities = [one("approved_course", id=f"n{i}", amount="1", completed_on=f"2024-0{9 - i}-01") for i in range(5)]
    ids = [a["id"] for a in evaluate(acsm(*activities)).json()["activities"]]
    assert ids == ["n0", "n1", "n2", "n3", "n4"]


def test_a_thousand_activities_are_accepted(evaluate):
    activities = [one("approved_course", id=str(i), amount="0.01") for i in range(1000)]
    response = evaluate(acsm(*activities))
    assert response.status_code == 200
    assert response.json()["earned"] == "10.00"


# --- bad input: 400 naming the field ------------------------------------------------------------


@pytest.mark.parametrize("code", ["NOPE-1", "", "   "])
def test_unknown_credential(evaluate, code):
    assert_400(evaluate(body(credential=code)), "credential")


def test_missing_top_level_fields(evaluate):
    errors = evaluate({}).json()
    assert set(errors) == {"credential", "certified_on"}


@pytest.mark.parametrize("field", ["certified_on", "as_of", "cpr_aed_valid_until"])
@pytest.mark.parametrize("value", ["03/15/2023", "2023-02-30", "2023-3-5", "20230315", "yesterday", 20230315, True])
def test_malformed_dates(evaluate, field, value):
    assert_400(evaluate(body(**{field: value})), field)


def test_malformed_activity_date(evaluate):
    assert_400(evaluate(acsm(one("teaching", amount="1", completed_on="05/01/2024"))), "activities", 0, "completed_on")


def test_a_cycle_too_far_in_the_future_is_a_400_not_a_500(evaluate):
    assert_400(evaluate(body(certified_on="9999-06-01")), "certified_on")


@pytest.mark.parametrize("kind", ["yoga", "", "APPROVED_COURSE", None, 3])
def test_unknown_kind(evaluate, kind):
    assert_400(evaluate(acsm(one(kind, amount="1"))), "activities", 0, "kind")


@pytest.mark.parametrize("field", ["amount", "hours", "credit_hours"])
@pytest.mark.parametrize(
    "value",
    ["-1", "-0.01", "abc", "1,5", " 1", "1.", ".5", "NaN", "Infinity", "1e3", "", "123456789", 6, 1.5, True, [], {}],
)
def test_bad_figures(evaluate, field, value):
    kind = {"amount": "teaching", "hours": "cpr", "credit_hours": "college_course"}[field]
    assert_400(evaluate(acsm(one(kind, **{field: value}))), "activities", 0, field)


@pytest.mark.parametrize("value", ["1.500", "0.001", "2.125"])
def test_more_than_two_decimal_places_as_written(evaluate, value):
    messages = assert_400(evaluate(acsm(one("teaching", amount=value))), "activities", 0, "amount")
    assert "2 decimal places" in messages[0]


def test_two_decimal_places_and_trailing_zero_are_fine(evaluate):
    response = evaluate(acsm(one("teaching", amount="1.50"), one("teaching", id="y", amount="0.05")))
    assert response.status_code == 200


def test_more_than_a_thousand_activities(evaluate):
    activities = [one("approved_course", id=str(i), amount="1") for i in range(1001)]
    messages = assert_400(evaluate(acsm(*activities)), "activities")
    assert "1000" in messages[0]


@pytest.mark.parametrize("field", ["id", "kind", "completed_on"])
def test_activity_without_a_required_field(evaluate, field):
    activity = one("teaching", amount="1")
    del activity[field]
    assert_400(evaluate(acsm(activity)), "activities", 0, field)


@pytest.mark.parametrize(
    "activity",
    [
        one("teaching"),
        one("lecturing", amount=None),
        one("approved_course"),  # ACSM: no catalog lookup helps without a number
        one("petition", status="approved"),
    ],
)
def test_amount_is_required(evaluate, activity):
    assert_400(evaluate(acsm(activity)), "activities", 0, "amount")


def test_ace_approved_course_with_neither_amount_nor_catalog_entry(evaluate):
    assert_400(evaluate(ace(one("approved_course", course_number="CA99999"))), "activities", 0, "amount")


def test_other_organization_course_needs_an_amount_or_hours(evaluate):
    assert_400(evaluate(acsm(one("other_org_course", awarding_org="ACE"))), "activities", 0, "amount")


def test_petition_needs_a_known_status(evaluate):
    assert_400(evaluate(acsm(one("petition", amount="1"))), "activities", 0, "status")
    assert_400(evaluate(acsm(one("petition", amount="1", status="maybe"))), "activities", 0, "status")
    pending = evaluate(acsm(one("petition", status="pending"))).json()["activities"][0]
    assert pending == {"id": "x", "applied": "0.00", "reason": "petition_pending"}


def test_college_course_needs_credit_hours(evaluate):
    assert_400(evaluate(acsm(one("college_course", grade="A"))), "activities", 0, "credit_hours")


@pytest.mark.parametrize("code", [None, "", "ACSM-XYZ"])
def test_new_certification_needs_an_existing_credential(evaluate, code):
    assert_400(evaluate(acsm(one("new_certification", new_credential=code))), "activities", 0, "new_credential")


def test_current_level_of_another_organization_or_unknown(evaluate):
    assert_400(evaluate(body(current_credential_level="ACE-CPT")), "current_credential_level")
    assert_400(evaluate(body(current_credential_level="NOPE")), "current_credential_level")


@pytest.mark.parametrize(
    "changes, path",
    [
        ({"credential": 7}, ("credential",)),
        ({"credential": ["ACSM-CPT"]}, ("credential",)),
        ({"current_credential_level": 2}, ("current_credential_level",)),
        ({"activities": "none"}, ("activities",)),
        ({"activities": None}, ("activities",)),
        ({"activities": [["a"]]}, ("activities", 0)),
        ({"activities": [one("teaching", amount="1", id=5)]}, ("activities", 0, "id")),
        (
            {"activities": [one("college_course", credit_hours="1", term="semester", grade=3)]},
            ("activities", 0, "grade"),
        ),
        (
            {"activities": [one("other_org_course", hours="1", awarding_org={"a": 1})]},
            ("activities", 0, "awarding_org"),
        ),
    ],
)
def test_wrong_types(evaluate, changes, path):
    assert_400(evaluate(body(**changes)), *path)


def test_extra_fields_are_named(evaluate):
    errors = evaluate(body(colour="blue", activities=[one("teaching", amount="1", minutes="30")])).json()
    assert errors["colour"] == ["Unknown field."]
    assert errors["activities"]["0"]["minutes"] == ["Unknown field."]


def test_format_errors_are_nested_per_activity_position(evaluate):
    good = one("teaching", id="ok", amount="1")
    response = evaluate(acsm(good, {**good, "amount": "-2"}, {**good, "completed_on": "nope", "kind": "yoga"}))
    errors = response.json()
    assert response.status_code == 400
    assert set(errors["activities"]) == {"1", "2"}
    assert errors["activities"]["1"] == {"amount": ["Must not be negative."]}
    assert set(errors["activities"]["2"]) == {"completed_on", "kind"}


def test_domain_errors_are_nested_the_same_way(evaluate):
    errors = evaluate(acsm(one("teaching", amount="1"), one("teaching"), credential="ACSM-CPT")).json()
    assert errors == {"activities": {"1": {"amount": ["Give the amount in CECs."]}}}


@pytest.mark.parametrize("payload", [[], ["x"], "text", 5, None])
def test_body_that_is_not_an_object(api, payload):
    response = api.post("/api/v1/evaluate", payload, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json() or "credential" in response.json()


def test_malformed_json_and_wrong_content_type(api):
    response = api.post("/api/v1/evaluate", '{"credential": ', content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    response = api.post("/api/v1/evaluate", {"credential": "ACSM-CPT"})  # a form post
    assert response.status_code == 415


def test_strings_with_null_characters_are_refused(evaluate):
    assert_400(evaluate(body(credential="ACSM\x00CPT")), "credential")


def test_a_lone_surrogate_anywhere_is_a_400_naming_the_field(api):
    # json.dumps escapes it as \\ud800, as any client may send it; it cannot be encoded to UTF-8 later.
    activity = {"id": "a1", "kind": "\ud800x", "completed_on": "2024-02-10", "amount": "6"}
    raw = json.dumps(body(activities=[activity]))
    response = api.post("/api/v1/evaluate", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"activities": {"0": {"kind": ["Surrogate characters are not allowed: U+D800."]}}}
    raw = json.dumps(body(activities=[{**activity, "kind": "teaching", "\x00": 1}]))
    response = api.post("/api/v1/evaluate", raw, content_type="application/json")
    assert response.json() == {"activities": {"0": {"\\x00": ["Null characters are not allowed."]}}}
    # A charset that decodes to a raw lone surrogate, not an escape, is caught as well.
    raw = b'{"credential": "ACSM\\ud800"}'
    response = api.post("/api/v1/evaluate", raw, content_type="application/json; charset=raw_unicode_escape")
    assert response.status_code == 400
    assert response.json() == {"credential": ["Surrogate characters are not allowed: U+D800."]}


def nested(levels: int):
    value: list = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 1000 + "]" * 1000,
        '{"credential":' * 1000 + '"x"' + "}" * 1000,
        json.dumps(body(activities=[{"id": nested(40)}])),  # under the decoder's limit, over ours
    ],
)
def test_deeply_nested_json_is_a_400_not_a_recursion_error(api, raw):
    response = api.post("/api/v1/evaluate", raw, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert "levels deep" in json.dumps(response.json())


def test_32_levels_are_still_parsed(api):
    # body > activities > activity > id: the list starts at level 4, so 29 more make 32.
    response = api.post("/api/v1/evaluate", body(activities=[{"id": nested(29)}]), format="json")
    assert response.status_code == 400 and response.json()["activities"]["0"]["id"] == ["Must be a string."]
    response = api.post("/api/v1/evaluate", body(activities=[{"id": nested(30)}]), format="json")
    assert response.json() == {"activities": ["JSON nested more than 32 levels deep."]}


def test_only_post(api):
    assert api.get("/api/v1/evaluate").status_code == 405
