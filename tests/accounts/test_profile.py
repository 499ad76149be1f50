"""/account/profile/: name, time zone and date of birth, and where every other account setting lives."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_t(client, trainer):
    client.force_login(trainer)
    return client


def test_the_profile_saves_name_zone_and_date_of_birth(client_t, trainer):
    response = client_t.post(
        reverse("profile"), {"name": "  Tess   Trainer ", "time_zone": "America/Chicago", "date_of_birth": "04/02/1960"}
    )
    assert response.status_code == 302 and response.url == reverse("profile")
    trainer.refresh_from_db()
    assert (trainer.name, trainer.time_zone, trainer.date_of_birth) == (
        "Tess Trainer",
        "America/Chicago",
        dt.date(1960, 4, 2),
    )
    page = client_t.get(reverse("profile")).content.decode()
    assert "Profile saved." in page
    assert "<summary>Tess Trainer</summary>" in page  # the menu names the person, not the address


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"name": "", "time_zone": "UTC"}, "name", "Enter your name"),
        ({"name": "T", "time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"name": "T", "time_zone": "UTC", "date_of_birth": "2999-01-01"}, "date_of_birth", "be in the future"),
        ({"name": "T", "time_zone": "UTC", "date_of_birth": "31/12/1960"}, "date_of_birth", "MM/DD/YYYY"),
    ],
)
def test_a_wrong_value_is_refused_under_its_field_and_nothing_is_saved(client_t, trainer, data, field, words):
    response = client_t.post(reverse("profile"), data)
    html = response.content.decode()
    assert response.status_code == 400
    error = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, flags=re.S)
    assert error and words in error.group(1)
    assert re.search(rf'<(input|select)[^>]*name="{field}"[^>]*aria-invalid="true"', html)
    assert User.objects.get(pk=trainer.pk).name == trainer.name


def test_the_profile_shows_the_state_of_every_other_setting(client_t, trainer):
    page = client_t.get(reverse("profile")).content.decode()
    for name in ("account_email", "account_change_password", "mfa_index", "notification_preferences", "api_token"):
        assert f'href="{reverse(name)}"' in page
    assert trainer.email in page and "Two-factor authentication is <strong>off</strong>" in page
    assert "You have no API token." in page and "You get every kind of notification." in page


def test_the_profile_is_for_signed_in_people_only(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_the_time_zone_set_on_the_profile_is_the_one_times_are_shown_in(client_t, trainer):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=trainer)
    Token.objects.filter(pk=token.pk).update(created=dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC))
    client_t.post(reverse("profile"), {"name": "Tess", "time_zone": "Pacific/Kiritimati"})  # UTC+14
    assert "created Jun 2, 2026, 02:00" in client_t.get(reverse("profile")).content.decode()


def test_sign_up_asks_for_the_name(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    client.post(
        reverse("account_signup"),
        {
            "name": "Sam Squat",
            "email": "sam@example.com",
            "password1": "squat-deadlift-2026",
            "password2": "squat-deadlift-2026",
        },
    )
    assert User.objects.get(email="sam@example.com").name == "Sam Squat"
