"""The employer roster API: an employer key reads its own roster only; bad filters are 400s naming the field."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import ActionLog
from employers.models import Consent
from employers.services import consent_withdraw, employer_api_key_create, employer_api_key_revoke
from tests.employers.conftest import certify, link_and_share

pytestmark = pytest.mark.django_db
URL = "/api/v1/employer/roster"


@pytest.fixture
def key(gym, gym_admin):
    return employer_api_key_create(actor=gym_admin, organization=gym, name="HR system")


@pytest.fixture
def shared(shipped, gym, gym_admin, trainer, downtown, today):
    cert = certify(trainer, "ACSM-CPT", start=today - dt.timedelta(days=200))
    return link_and_share(employer=gym, actor=gym_admin, trainer=trainer, certifications=[cert], location=downtown)


def get(client, raw, **params):
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_roster_with_statuses(client, key, shared, downtown):
    assert reverse("api-employer-roster") == URL
    response = get(client, key[1])
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["trainer"] == "Tess Trainer" and row["credential"] == "ACSM-CPT" and row["status"] == "in_progress"
    assert row["location"] == "Downtown" and row["required"] == "45.00" and row["remaining"] == "45.00"
    assert "45.0 CECs to go" in row["missing"] and row["needs_attention"] is False
    assert set(row) >= {"cycle_end", "days_left", "cpr_aed_valid_until", "withdrawn_at"}
    assert "activities" not in row and "evidence" not in row
    assert get(client, key[1], location=downtown.pk).json()["count"] == 1
    assert get(client, key[1], status="lapsed").json()["count"] == 0
    assert ActionLog.objects.filter(action="employer.api_key_created").count() == 1


def test_withdrawal_shows_at_once_in_the_api(client, key, shared, trainer):
    consent_withdraw(user=trainer, consent=Consent.objects.get())
    [row] = get(client, key[1]).json()["results"]
    assert row["status"] == "withdrawn" and row["cycle_end"] is None and row["remaining"] is None


def test_bad_filters_are_400_naming_the_field(client, key, shared, other_gym):
    from employers.models import Location

    elsewhere = Location.objects.create(organization=other_gym, name="Elsewhere")
    assert set(get(client, key[1], status="bogus").json()) == {"status"}
    assert set(get(client, key[1], location="abc").json()) == {"location"}
    assert get(client, key[1], location=elsewhere.pk).json() == {"location": ["Not one of your locations."]}
    assert get(client, key[1], location=str(2**40)).status_code == 400
    repeated = client.get(URL + "?status=grace&status=lapsed", HTTP_AUTHORIZATION=f"Bearer {key[1]}")
    assert repeated.json() == {"status": ["Give this parameter once."]}
    assert set(get(client, key[1], colour="red").json()) == {"colour"}
    assert set(get(client, key[1], status="").json()) == {"status"}
    assert set(get(client, key[1], limit="500").json()) == {"limit"}


def test_another_employers_key_sees_none_of_it(client, shared, other_gym, other_gym_admin):
    _, raw = employer_api_key_create(actor=other_gym_admin, organization=other_gym, name="Theirs")
    assert get(client, raw).json()["count"] == 0


def test_revoked_provider_trainer_and_missing_keys_are_refused(client, key, shared, trainer, provider_a, admin_a):
    from rest_framework.authtoken.models import Token

    from accounts.services import provider_api_key_create

    api_key, raw = key
    employer_api_key_revoke(actor=api_key.created_by, api_key=api_key)
    assert get(client, raw).status_code == 401
    _, provider_raw = provider_api_key_create(actor=admin_a, provider=provider_a, name="LMS")
    assert get(client, provider_raw).status_code == 401
    token = Token.objects.create(user=trainer)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}").status_code in (401, 403)
    assert client.get(URL).status_code in (401, 403)
