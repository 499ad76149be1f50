"""The OpenAPI schema documents every provider endpoint: Bearer security, Idempotency-Key, errors."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def provider_paths(schema):
    assert schema["components"]["securitySchemes"]["ProviderKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["ProviderKey"]["description"],
    }
    return {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/provider/")}


def test_every_operation_is_documented_with_the_bearer_scheme_and_its_errors(provider_paths):
    operations = [(path, method, op) for path, ops in provider_paths.items() for method, op in ops.items()]
    assert len(operations) == 9
    for path, method, op in operations:
        assert op["security"] == [{"ProviderKey": []}], (path, method)
        assert {"401", "429"} <= set(op["responses"]), (path, method)
        assert op.get("summary"), (path, method)
        if method == "post":
            headers = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
            assert headers == ["Idempotency-Key"], (path, method)
            assert {"409", "422"} <= set(op["responses"]), (path, method)


def test_the_receipt_fields_are_documented(provider_paths, schema):
    op = provider_paths["/api/v1/provider/completions"]["post"]
    assert {"200", "400"} <= set(op["responses"])
    receipt = schema["components"]["schemas"]["Receipt"]["properties"]
    assert {"index", "record_id", "status", "completion_id", "activity_id", "match", "field", "reason"} <= set(receipt)
    record = schema["components"]["schemas"]["CompletionRecordRequest"]["properties"]
    assert {"attendee_email", "certification_number", "course_number", "completed_on", "amount"} <= set(record)
