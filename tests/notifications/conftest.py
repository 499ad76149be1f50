import datetime as dt

import pytest

from certifications.defaults import load_defaults
from certifications.models import Credential
from tests.factories import CertificationFactory, UserFactory


@pytest.fixture
def shipped(db):
    return {o.short_name: o for o in load_defaults()}


@pytest.fixture
def certify(shipped):
    """certify(code, certified_on, user=None, cpr=...) -> a certification with its first cycle."""

    def make(code, certified_on, *, user=None, cpr=dt.date(2035, 1, 1)):
        return CertificationFactory(
            user=user or UserFactory(),
            credential=Credential.objects.get(code=code),
            certified_on=certified_on,
            cpr_aed_valid_until=cpr,
        )

    return make
