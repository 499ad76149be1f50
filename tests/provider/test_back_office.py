"""Admins manage providers and their API keys under /org/<slug>/providers/."""

import pytest
from django.urls import reverse

from accounts.apikeys.models import api_key_hash
from accounts.models import ActionLog, Provider, ProviderApiKey
from tests.provider.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_provider(client, admin_a, org_a):
    client.force_login(admin_a)
    r = client.post(reverse("org_providers", args=["ace"]), {"name": "Fit Ed", "contact_email": "a@fit.test"})
    provider = Provider.objects.get(name="Fit Ed")
    assert r.status_code == 302 and provider.organization == org_a
    assert ActionLog.objects.filter(action="provider.created", actor=admin_a, object_id=str(provider.pk)).exists()
    r = client.post(reverse("org_providers", args=["ace"]), {"name": "Fit Ed"})
    assert r.status_code == 200 and "already exists" in r.content.decode()


def test_a_key_is_shown_once_stored_hashed_and_works(client, admin_a, provider_a, shipped):
    client.force_login(admin_a)
    url = reverse("org_provider", args=["ace", provider_a.pk])
    r = client.post(url, {"action": "create_key", "name": "LMS"})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    raw = r.context["new_key"]
    assert raw in r.content.decode()
    key = ProviderApiKey.objects.get(provider=provider_a)
    assert key.key_hash == api_key_hash(raw) and raw not in str(ProviderApiKey.objects.values().get())
    assert raw not in client.get(url).content.decode()
    assert client_for(raw).get("/api/v1/provider/courses").status_code == 200
    assert ActionLog.objects.filter(action="provider.api_key_created", actor=admin_a).exists()


def test_an_admin_revokes_a_key(client, admin_a, provider_a, key_a):
    client.force_login(admin_a)
    r = client.post(
        reverse("org_provider", args=["ace", provider_a.pk]), {"action": "revoke_key", "key_id": key_a[0].pk}
    )
    assert r.status_code == 302
    key_a[0].refresh_from_db()
    assert key_a[0].revoked_at is not None
    assert client_for(key_a[1]).get("/api/v1/provider/courses").status_code == 401
    assert ActionLog.objects.filter(action="provider.api_key_revoked", actor=admin_a).exists()


@pytest.mark.parametrize("key_id", ["abc", "1.5", ""])
def test_a_malformed_key_id_to_revoke_is_a_404_not_a_500(client, admin_a, provider_a, key_a, key_id):
    client.force_login(admin_a)
    url = reverse("org_provider", args=["ace", provider_a.pk])
    assert client.post(url, {"action": "revoke_key", "key_id": key_id}).status_code == 404
    key_a[0].refresh_from_db()
    assert key_a[0].revoked_at is None


def test_it_lists_the_providers_courses(client, admin_a, provider_a, course_a):
    client.force_login(admin_a)
    assert "CEP123456" in client.get(reverse("org_provider", args=["ace", provider_a.pk])).content.decode()


def test_it_checks_tenancy_and_role(client, admin_b, reviewer_a, provider_a, key_a, provider_b):
    client.force_login(admin_b)
    assert client.get(reverse("org_providers", args=["ace"])).status_code == 404
    assert client.get(reverse("org_provider", args=["ace", provider_a.pk])).status_code == 404
    # another organization's provider under one's own slug is a 404 too
    assert client.get(reverse("org_provider", args=["acsm", provider_a.pk])).status_code == 404
    r = client.post(
        reverse("org_provider", args=["acsm", provider_b.pk]), {"action": "revoke_key", "key_id": key_a[0].pk}
    )
    assert r.status_code == 404
    r = client.post(reverse("org_provider", args=["acsm", provider_a.pk]), {"action": "create_key", "name": "steal"})
    assert r.status_code == 404
    key_a[0].refresh_from_db()
    assert key_a[0].revoked_at is None and ProviderApiKey.objects.count() == 1
    client.force_login(reviewer_a)
    assert client.get(reverse("org_providers", args=["ace"])).status_code == 403
    client.logout()
    assert client.get(reverse("org_providers", args=["ace"])).status_code == 302
