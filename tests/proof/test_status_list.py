"""Bitstring Status Lists: signed, at least 131,072 bits, and a credential's bit flips when it should."""

import datetime as dt

import pytest
from django.urls import reverse

from certifications.models import Cycle
from certifications.proof.credentials import (
    STATUS_LIST_LENGTH,
    bit_is_set,
    decode_bitstring,
    encode_bitstring,
    status_list_credential,
)
from certifications.proof.models import IssuedCredential
from certifications.proof.services import credential_issue, share_link_create, share_link_revoke
from certifications.proof.signing import data_integrity_verify
from certifications.selectors import certification_current_cycle
from certifications.services import certification_remove

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(holder):
    certification = holder["acsm"]
    cycle = certification_current_cycle(certification=certification)
    return credential_issue(actor=holder["user"], certification=certification, cycle=cycle)


def _bit(purpose, index, as_of=None):
    listed = status_list_credential(purpose=purpose, as_of=as_of)
    assert data_integrity_verify(listed)
    return bit_is_set(listed["credentialSubject"]["encodedList"], index)


def test_the_bitstring_is_gzip_base64url_multibase_of_at_least_16kb():
    encoded = encode_bitstring({0, 9, STATUS_LIST_LENGTH - 1})
    assert encoded.startswith("u") and "=" not in encoded
    raw = decode_bitstring(encoded)
    assert len(raw) * 8 == STATUS_LIST_LENGTH >= 131_072
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01  # index 0 is the leftmost bit
    assert [bit_is_set(encoded, i) for i in (0, 1, 9, 10)] == [True, False, True, False]


def test_the_status_list_credential_is_served_signed_at_its_public_url(client, issued):
    response = client.get(reverse("credential_status_list", args=["revocation"]))
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert body["credentialSubject"]["type"] == "BitstringStatusList"
    assert body["credentialSubject"]["statusPurpose"] == "revocation"
    assert data_integrity_verify(body)
    assert client.get("/credentials/status/other").status_code == 404


def test_the_suspension_bit_flips_on_lapse(issued):
    cycle = issued.cycle
    assert not _bit("suspension", issued.status_index, as_of=dt.date.today())
    assert _bit("suspension", issued.status_index, as_of=cycle.end + dt.timedelta(days=1))  # grace
    assert _bit("suspension", issued.status_index, as_of=cycle.grace_until + dt.timedelta(days=1))  # lapsed
    assert not _bit("revocation", issued.status_index, as_of=cycle.grace_until + dt.timedelta(days=1))


def test_the_suspension_bit_flips_on_a_failed_audit(issued):
    Cycle.objects.filter(pk=issued.cycle_id).update(recorded_status=Cycle.INACTIVE)
    assert _bit("suspension", issued.status_index)


def test_the_revocation_bit_flips_when_a_share_is_revoked(issued, holder):
    link, _ = share_link_create(actor=holder["user"], certification=holder["acsm"])
    assert not _bit("revocation", issued.status_index)
    share_link_revoke(actor=holder["user"], link=link)
    assert _bit("revocation", issued.status_index)
    fresh = credential_issue(actor=holder["user"], certification=holder["acsm"], cycle=issued.cycle)
    assert fresh.pk != issued.pk and not _bit("revocation", fresh.status_index)


def test_the_revocation_bit_flips_when_the_certification_is_removed(issued, holder):
    certification_remove(actor=holder["user"], certification=holder["acsm"])
    assert IssuedCredential.objects.filter(pk=issued.pk, certification=None).exists()
    assert _bit("revocation", issued.status_index)


def test_a_renewal_issues_the_next_cycles_credential(issued, holder):
    from decimal import Decimal

    from certifications.services import certification_renew
    from tests.factories import ActivityFactory

    ActivityFactory(
        user=holder["user"],
        kind="approved_course",
        awarding_org="ACSM",
        amount=Decimal("45"),
        completed_on=issued.cycle.start,
    )
    renewal = certification_renew(actor=holder["user"], certification=holder["acsm"], on=dt.date.today())
    following = IssuedCredential.objects.get(cycle=renewal.next_cycle)
    assert following.status_index != issued.status_index
    assert not _bit("suspension", following.status_index) and not _bit("suspension", issued.status_index)
