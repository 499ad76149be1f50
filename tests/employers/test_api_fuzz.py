"""schemathesis over the employer roster API: never a 500, nothing that contradicts the schema."""

import pytest
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from employers.services import employer_api_key_create
from tests.employers.conftest import certify, link_and_share
from tests.schemathesis_support import EXCLUDED_CHECKS, run_schemathesis

pytestmark = pytest.mark.django_db


def test_the_employer_api_keeps_its_schema(shipped, gym, gym_admin, trainer, downtown, today):
    link_and_share(
        employer=gym, actor=gym_admin, trainer=trainer, certifications=[certify(trainer, "ACE-CPT", start=today)]
    )
    _, raw = employer_api_key_create(actor=gym_admin, organization=gym, name="HR")
    headers = {"Authorization": f"Bearer {raw}"}
    assert run_schemathesis(path_regex=r"^/api/v1/employer/", headers=headers, modes=(GenerationMode.POSITIVE,)) == 1
    # Negative data: no 5xx and every answer in the schema. Not `negative_data_rejection` here: schemathesis
    # can generate an extra query parameter with an empty list, which no URL carries, so the request the app
    # receives is a valid one. The 400s for bad, repeated, empty and unknown parameters are tested in test_api.py.
    assert (
        run_schemathesis(
            path_regex=r"^/api/v1/employer/",
            headers=headers,
            modes=(GenerationMode.NEGATIVE,),
            excluded_checks=[*EXCLUDED_CHECKS, negative_data_rejection],
        )
        == 1
    )
