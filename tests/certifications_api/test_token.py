"""Token authentication for the trainer API, and the page that creates, shows once and revokes the token."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import ActionLog

pytestmark = pytest.mark.django_db
URL = "/api/v1/certifications/"


def _client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_authenticates_the_api(holder, api):
    response = api.get(URL)
    assert response.status_code == 200
    assert {c["credential"] for c in response.json()} == {"ACE-CPT", "ACSM-CPT"}


def test_without_credentials_the_api_is_401(holder):
    assert APIClient().get(URL).status_code == 401


def test_an_unknown_token_is_401():
    assert _client("0" * 40).get(URL).status_code == 401


def test_a_revoked_token_is_401(client, holder, token):
    client.force_login(holder["user"])
    response = client.post(reverse("api_token"), {"action": "revoke"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=holder["user"]).exists()
    assert _client(token.key).get(URL).status_code == 401
    assert ActionLog.objects.filter(action="api_token.revoked", subject_user=holder["user"]).exists()


def test_changing_the_password_revokes_the_token(client, holder, token):
    # Whoever had the account (the usual reason to change a password) must not keep its API access.
    assert _client(token.key).get(URL).status_code == 200
    client.force_login(holder["user"])
    new = "a-brand-new-passphrase-77"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "correct-horse-battery", "password1": new, "password2": new},
    )
    assert response.status_code == 302
    holder["user"].refresh_from_db()
    assert holder["user"].check_password(new)
    assert _client(token.key).get(URL).status_code == 401
    log = ActionLog.objects.get(action="api_token.revoked", subject_user=holder["user"])
    assert log.data["reason"] == "password_changed"


def test_resetting_the_password_by_email_revokes_the_token(client, holder, token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": holder["user"].email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    new = "a-brand-new-passphrase-77"
    response = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    holder["user"].refresh_from_db()
    assert holder["user"].check_password(new)
    assert _client(token.key).get(URL).status_code == 401


def test_a_password_change_without_a_token_logs_nothing(client, trainer):
    client.force_login(trainer)
    new = "a-brand-new-passphrase-77"
    data = {"oldpassword": "correct-horse-battery", "password1": new, "password2": new}
    assert client.post(reverse("account_change_password"), data).status_code == 302
    assert not ActionLog.objects.filter(action="api_token.revoked").exists()


def test_another_users_token_sees_only_their_data(holder, other_trainer):
    other_key = Token.objects.create(user=other_trainer).key
    response = _client(other_key).get(URL)
    assert response.status_code == 200 and response.json() == []
    ace = holder["ace"]
    assert _client(other_key).get(f"{URL}{ace.pk}/").status_code == 404
    assert _client(other_key).get(f"/api/v1/cycles/{ace.cycles.get().pk}/").status_code == 404


def test_the_page_shows_a_new_token_once_and_regenerating_replaces_it(client, trainer):
    client.force_login(trainer)
    page = client.get(reverse("api_token"))
    assert page.status_code == 200 and b"You have no API token" in page.content

    created = client.post(reverse("api_token"), {"action": "create"}, follow=True)
    first = Token.objects.get(user=trainer).key
    assert first in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert first not in client.get(reverse("api_token")).content.decode()  # shown only once

    client.post(reverse("api_token"), {"action": "regenerate"})
    second = Token.objects.get(user=trainer).key
    assert second != first
    assert _client(first).get(URL).status_code == 401
    assert _client(second).get(URL).status_code == 200
    actions = list(ActionLog.objects.filter(subject_user=trainer).values_list("action", flat=True))
    assert sorted(actions) == ["api_token.created", "api_token.regenerated"]
    # The key itself never goes into the action log.
    assert not any(first in str(log.data) or second in str(log.data) for log in ActionLog.objects.all())


def test_the_page_needs_a_login(client):
    response = client.get(reverse("api_token"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_schema_documents_token_authentication(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey" and schemes["tokenAuth"]["name"] == "Authorization"
    operation = schema["paths"]["/api/v1/certifications/"]["get"]
    assert {"tokenAuth": []} in operation["security"]
