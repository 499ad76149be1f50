"""The calculator's fast paths say exactly what their documented, slower equivalents say."""

import json

import pytest

from certifications import selectors
from certifications.calculator.api import REQUEST_EXAMPLE, RESPONSE_EXAMPLE
from certifications.calculator.serializers import (
    ActivityField,
    ActivityInSerializer,
    EvaluateInSerializer,
    EvaluateOutSerializer,
    evaluate_input,
    result_payload,
)
from certifications.models import Credential

ACTIVITIES = [
    *REQUEST_EXAMPLE["activities"],
    {"id": "  padded  ", "kind": "petition", "completed_on": "2024-01-01", "status": "approved", "amount": "1.50"},
    {"id": "n", "kind": "new_certification", "completed_on": "2024-01-01", "new_credential": None, "grade": ""},
    {},
    [],
    "text",
    None,
    {"id": 5, "kind": "yoga", "completed_on": "2024-13-01", "amount": "-1", "hours": 3, "credit_hours": "1.234"},
    {"id": "", "kind": "", "completed_on": None, "status": "maybe", "term": ["semester"], "colour": "red"},
    {"id": "x" * 101, "kind": "cpr", "completed_on": "2024-01-01", "grade": "A\x00", "awarding_org": "\ud800"},
    {"id": "ok", "kind": "teaching", "completed_on": "2024-01-01", "course_number": "c" * 31, "amount": "123456789"},
]


@pytest.mark.parametrize("item", ACTIVITIES, ids=range(len(ACTIVITIES)))
def test_activity_field_agrees_with_the_documented_serializer(item):
    documented = ActivityInSerializer(data=item)
    documented_ok = documented.is_valid()
    try:
        lean, lean_errors = ActivityField().run_validation(item), None
    except Exception as exc:
        lean, lean_errors = None, exc.detail
    if documented_ok:
        assert lean_errors is None and lean == {k: v for k, v in documented.validated_data.items()}
    else:
        errors = documented.errors
        if "non_field_errors" in errors:  # not an object (or null): one message for the activity
            assert lean_errors and not isinstance(lean_errors, dict)
        else:
            assert set(lean_errors) == set(errors)
            for name, messages in errors.items():
                assert [str(m) for m in lean_errors[name]] == [str(m) for m in messages], name


BODIES = [
    REQUEST_EXAMPLE,
    {},
    [],
    "text",
    None,
    {"credential": "acsm-cpt ", "certified_on": "2023-03-15"},
    {"credential": 5, "certified_on": "15/03/2023", "as_of": None, "cpr_aed_valid_until": 20270131, "extra": 1},
    {"credential": "", "certified_on": None, "current_credential_level": "x" * 31, "activities": "none"},
    {"credential": "ACE-CPT", "certified_on": "2024-01-01", "activities": None},
    {"credential": "ACE-CPT", "certified_on": "2024-01-01", "activities": [{"id": "a"}, 3]},
    {"credential": "ACE-CPT", "certified_on": "2024-01-01", "activities": [{"id": str(i)} for i in range(1001)]},
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_evaluate_input_agrees_with_the_documented_serializer(body):
    documented = EvaluateInSerializer(data=body)
    documented_ok = documented.is_valid()
    try:
        lean, lean_errors = evaluate_input(body), None
    except Exception as exc:
        lean, lean_errors = None, exc.detail
    if documented_ok:
        assert lean_errors is None and lean == dict(documented.validated_data)
    else:
        assert json.loads(json.dumps(lean_errors)) == json.loads(json.dumps(documented.errors))


def test_the_hand_built_response_is_what_the_schema_documents(db):
    from certifications.defaults import load_defaults

    load_defaults()
    incoming = EvaluateInSerializer(data=REQUEST_EXAMPLE)
    assert incoming.is_valid(), incoming.errors
    result = selectors.evaluate_request(**incoming.validated_data)
    assert result_payload(result) == EvaluateOutSerializer(result).data == RESPONSE_EXAMPLE


def test_rules_are_read_again_after_the_cache_time(db, settings, monkeypatch):
    from certifications.defaults import load_defaults

    load_defaults()
    settings.CECT_RULES_CACHE_SECONDS = 60
    monkeypatch.setattr(selectors, "_RULES_SNAPSHOT", None)
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    known, _ = selectors._calculator_rules()
    assert "ACE-CPT" in known
    Credential.objects.filter(code="ACE-CPT").update(code="ACE-CPT2")
    assert "ACE-CPT" in selectors._calculator_rules()[0]  # kept for the cache time
    clock[0] += 61
    assert "ACE-CPT2" in selectors._calculator_rules()[0] and "ACE-CPT" not in selectors._calculator_rules()[0]
    settings.CECT_RULES_CACHE_SECONDS = 0
    Credential.objects.filter(code="ACE-CPT2").update(code="ACE-CPT")
    assert "ACE-CPT" in selectors._calculator_rules()[0]  # 0: read on every call (as in tests)
