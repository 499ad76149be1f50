"""Share links: random tokens stored only as hashes, revocable, with the last time they were opened."""

import hashlib

import pytest

from accounts.models import ActionLog
from certifications.proof.models import ShareLink
from certifications.proof.selectors import share_link_for_token
from certifications.proof.services import share_link_create, share_link_open, share_link_revoke

pytestmark = pytest.mark.django_db


def test_a_link_stores_only_the_hash_of_a_long_random_token(holder):
    link, token = share_link_create(actor=holder["user"], certification=holder["acsm"])
    assert len(token) >= 43  # 32 random bytes, URL-safe: 256 bits
    stored = ShareLink.objects.get(pk=link.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ShareLink.objects.filter(pk=link.pk).values().get())
    assert ActionLog.objects.filter(action="share_link.created", object_id=str(link.pk)).exists()


def test_the_token_resolves_to_its_certification_and_records_the_opening(holder):
    link, token = share_link_create(actor=holder["user"], certification=holder["acsm"])
    assert ShareLink.objects.get(pk=link.pk).last_opened_at is None
    opened = share_link_open(token=token)
    assert opened.certification == holder["acsm"]
    assert ShareLink.objects.get(pk=link.pk).last_opened_at is not None


def test_a_revoked_or_unknown_token_resolves_to_nothing(holder):
    link, token = share_link_create(actor=holder["user"], certification=holder["acsm"])
    share_link_revoke(actor=holder["user"], link=link)
    assert share_link_open(token=token) is None
    assert share_link_for_token(token="never-issued-token-000000000000000000000") is None
    assert share_link_for_token(token="x" * 5000) is None
    assert ActionLog.objects.filter(action="share_link.revoked", object_id=str(link.pk)).exists()


def test_each_link_is_independent(holder):
    first, first_token = share_link_create(actor=holder["user"], certification=holder["acsm"], label="Gym A")
    _, second_token = share_link_create(actor=holder["user"], certification=holder["acsm"], label="Gym B")
    share_link_revoke(actor=holder["user"], link=first)
    assert share_link_open(token=first_token) is None
    assert share_link_open(token=second_token).certification == holder["acsm"]
