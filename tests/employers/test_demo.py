"""`load_demo` gives a demo gym whose admin signs in to a roster of the demo trainers."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_gym_roster_lists_the_demo_trainers(settings):
    settings.CECT_REQUIRE_MFA_FOR_ADMINS = False  # as in `make run` (local settings)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    assert "admin@northside.demo" in out.getvalue()
    client = Client()
    assert client.login(email="admin@northside.demo", password="demo-password-2026")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("employer_roster", args=["northside-fitness"])
    page = response.content.decode()
    for email in ("trainer@cectracker.demo", "riley@cectracker.demo"):
        assert User.objects.get(email=email).name in page
    assert client.login(email="manager@northside.demo", password="demo-password-2026")
    assert client.get(reverse("employer_roster", args=["northside-fitness"])).status_code == 200
