"""Staff land on their organization's work queue, with counts of what waits for them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from credits.models import Petition
from tests.factories import CertificationFactory, PetitionFactory

pytestmark = pytest.mark.django_db


def test_staff_without_certifications_land_on_their_work_queue(client, reviewer_a):
    client.force_login(reviewer_a)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("org_home", args=["ace"])


def test_trainers_land_on_their_dashboard(client, trainer):
    client.force_login(trainer)
    assert client.get(reverse("home"))["Location"] == reverse("dashboard")


def test_staff_who_are_also_certified_land_on_their_dashboard(client, reviewer_a, ace_cpt):
    CertificationFactory(user=reviewer_a, credential=ace_cpt, certified_on=dt.date(2025, 1, 1))
    client.force_login(reviewer_a)
    assert client.get(reverse("home"))["Location"] == reverse("dashboard")


def test_the_overview_counts_what_waits_in_this_organization_only(client, reviewer_a, shipped, trainer):
    for _ in range(2):
        PetitionFactory(organization=shipped["ACE"], activity__user=trainer, hours=Decimal("2"))
    PetitionFactory(organization=shipped["ACE"], activity__user=trainer, status=Petition.DENIED)
    PetitionFactory(organization=shipped["ACSM"], activity__user=trainer)  # another organization's
    client.force_login(reviewer_a)
    response = client.get(reverse("org_home", args=["ace"]))
    counts = {item.label: item.count for item in response.context["queue"]}
    assert counts["Petitions waiting for a decision"] == 2
    assert counts["Audits with documents to review"] == 0
    html = response.content.decode()
    link = f'href="{reverse("org_petitions", args=["ace"])}?status=pending">'
    assert link + "Petitions waiting for a decision: <strong>2</strong>" in html
