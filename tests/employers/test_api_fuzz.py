"""schemathesis over the employer roster API: never a 500, nothing that contradicts the schema."""

import pytest

from employers.services import employer_api_key_create
from tests.employers.conftest import certify, link_and_share
from tests.schemathesis_support import run_schemathesis

pytestmark = pytest.mark.django_db


def test_the_employer_api_keeps_its_schema(shipped, gym, gym_admin, trainer, downtown, today):
    link_and_share(
        employer=gym, actor=gym_admin, trainer=trainer, certifications=[certify(trainer, "ACE-CPT", start=today)]
    )
    _, raw = employer_api_key_create(actor=gym_admin, organization=gym, name="HR")
    assert run_schemathesis(path_regex=r"^/api/v1/employer/", headers={"Authorization": f"Bearer {raw}"}) == 1
