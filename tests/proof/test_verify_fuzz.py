"""schemathesis over `GET /api/v1/verify/{token}`: any token is a JSON 404 or the documented answer, never a 500."""

import pytest
from schemathesis import GenerationMode

from tests.schemathesis_support import run_schemathesis

pytestmark = pytest.mark.django_db


def test_the_verify_api_keeps_its_schema(holder):
    from certifications.proof.services import share_link_create

    share_link_create(actor=holder["user"], certification=holder["acsm"])
    # Positive data only: every string is a schema-valid token (an unknown one is the documented 404), so there
    # is no negative path parameter to generate.
    assert run_schemathesis(path_regex=r"^/api/v1/verify/", max_examples=60, modes=(GenerationMode.POSITIVE,)) == 1
