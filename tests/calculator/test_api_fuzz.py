"""schemathesis against the calculator's part of the OpenAPI schema: no 5xx, nothing that contradicts the schema."""

import pytest

from tests.schemathesis_support import run_schemathesis

pytestmark = pytest.mark.django_db


def test_the_calculator_survives_schemathesis(shipped):
    assert run_schemathesis(path_regex=r"^/api/v1/evaluate$", max_examples=60) == 1
