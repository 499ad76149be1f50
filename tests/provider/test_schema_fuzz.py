"""schemathesis over the provider part of the OpenAPI schema: no 5xx, nothing that contradicts the schema."""

import pytest

from tests.provider.schemathesis_driver import fuzz, load_schema

pytestmark = pytest.mark.django_db


def test_the_provider_api_keeps_its_schema(key_a, shipped, course_a, trainer):
    schema = load_schema(path_regex="^/api/v1/provider/")
    assert len(list(schema.get_all_operations())) == 9
    failures, statuses = fuzz(schema, headers={"Authorization": f"Bearer {key_a[1]}"})
    assert failures == []
    assert statuses[200] > 20 and statuses[401] == 0, statuses
