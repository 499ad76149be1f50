import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.exports.conftest import holder, shipped  # noqa: F401  (the same trainer with ACE and ACSM)


@pytest.fixture
def token(trainer):
    return Token.objects.create(user=trainer)


@pytest.fixture
def api(token):
    """An API client authenticated as `trainer` with a token, as a script would be."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
