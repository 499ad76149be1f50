"""The petition queue filtered by credential costs no more queries than unfiltered (issue 18: it took 13)."""

import datetime as dt

import pytest
from django.urls import reverse

from bench.petition_queue import seed_petitions
from certifications.models import Certification, Credential
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_credential_filter_keeps_the_queue_within_12_queries(
    client, reviewer_a, shipped, django_assert_max_num_queries
):
    holders, others = [UserFactory() for _ in range(4)], [UserFactory() for _ in range(4)]
    cpt, gfi = Credential.objects.get(code="ACE-CPT"), Credential.objects.get(code="ACE-GFI")
    for person in holders:
        Certification.objects.create(user=person, credential=cpt, certified_on=dt.date(2025, 1, 15))
    for person in others:
        Certification.objects.create(user=person, credential=gfi, certified_on=dt.date(2025, 1, 15))
    seed_petitions(organization=shipped["ACE"], users=holders + others, count=80)
    client.force_login(reviewer_a)
    url = reverse("org_petitions", args=["ace"])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"credential": str(cpt.pk)})
    assert response.status_code == 200
    shown = {p.activity.user_id for p in response.context["page"]}
    assert shown == {p.pk for p in holders}
    assert f'<option value="{cpt.pk}" selected>ACE-CPT</option>' in response.content.decode()
    # A credential of another organization is not a choice: the filter is ignored, not an error page.
    other = Credential.objects.filter(organization=shipped["ACSM"]).first()
    assert client.get(url, {"credential": str(other.pk)}).status_code == 200
