"""The public share page and `GET /api/v1/verify/<token>`: live status, nothing else leaks, one 404 for all."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from certifications.models import Cycle
from certifications.proof.models import ShareLink
from certifications.proof.selectors import public_proof
from certifications.proof.services import share_link_create, share_link_revoke
from certifications.services import certification_renew

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(holder):
    link, token = share_link_create(actor=holder["user"], certification=holder["acsm"])
    return {**holder, "link": link, "token": token, "url": reverse("share_verify", kwargs={"token": token})}


def test_anyone_sees_the_holder_the_credential_and_current_through_the_cycle_end(client, shared):
    cycle = Cycle.objects.filter(certification=shared["acsm"]).get()
    response = client.get(shared["url"])
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tess Holder" in body
    assert "ACSM-CPT" in body and "American College of Sports Medicine" in body
    assert "8877" in body and "ACSM-998877" not in body  # the number's last four only
    assert f"Current through {cycle.end:%B %-d, %Y}" in body
    assert "CPR/AED valid until" in body  # ACSM requires CPR/AED
    assert 'name="robots" content="noindex' in body and response["X-Robots-Tag"].startswith("noindex")
    assert ShareLink.objects.get(pk=shared["link"].pk).last_opened_at is not None


def test_the_page_shows_nothing_else(client, shared):
    """No email, no activities, no other certification, and the ACE one is not named at all."""
    body = client.get(shared["url"]).content.decode()
    assert shared["user"].email not in body
    assert "Secret Kettlebell Seminar" not in body
    assert "ACE-CPT" not in body and "445566" not in body and "American Council" not in body
    data = client.get(reverse("api-verify", kwargs={"token": shared["token"]})).json()
    flat = str(data)
    assert shared["user"].email not in flat and "Secret Kettlebell" not in flat and "ACE" not in flat
    assert set(data) == {
        "holder",
        "credential",
        "credential_name",
        "organization",
        "number_last4",
        "status",
        "status_text",
        "current_through",
        "cycle_end",
        "grace_until",
        "cpr_aed_valid_until",
        "as_of",
    }


def test_the_api_answers_the_same_as_json(client, shared):
    cycle = Cycle.objects.filter(certification=shared["acsm"]).get()
    data = client.get(reverse("api-verify", kwargs={"token": shared["token"]})).json()
    assert data["holder"] == "Tess Holder" and data["credential"] == "ACSM-CPT"
    assert data["status"] == "current" and data["current_through"] == cycle.end.isoformat()
    assert data["number_last4"] == "8877"


def test_a_holder_without_a_name_is_never_shown_by_email(client, shared):
    shared["user"].name = ""
    shared["user"].save(update_fields=["name"])
    body = client.get(shared["url"]).content.decode()
    assert shared["user"].email not in body and "Name not given" in body


def _unmasked(response) -> str:
    """The page without its CSRF token, which Django masks afresh in every response."""
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())


def test_revoked_unknown_and_malformed_tokens_are_the_same_404(client, shared):
    never = client.get(reverse("share_verify", kwargs={"token": "A" * 43}))
    malformed = client.get("/verify/%3Cscript%3E")
    share_link_revoke(actor=shared["user"], link=shared["link"])
    revoked = client.get(shared["url"])
    assert never.status_code == malformed.status_code == revoked.status_code == 404
    assert _unmasked(never) == _unmasked(revoked) == _unmasked(malformed)
    api_never = client.get(reverse("api-verify", kwargs={"token": "A" * 43}))
    api_revoked = client.get(reverse("api-verify", kwargs={"token": shared["token"]}))
    assert api_never.status_code == api_revoked.status_code == 404
    assert api_never.json() == api_revoked.json() == {"detail": "Not found."}


def test_the_status_is_live_grace_lapse_failed_audit(shared):
    link, cycle = shared["link"], Cycle.objects.filter(certification=shared["acsm"]).get()
    assert public_proof(link=link, as_of=cycle.end).standing.code == "current"
    grace = public_proof(link=link, as_of=cycle.end + dt.timedelta(days=1)).standing
    assert grace.code == "grace" and "Not to be presented as certified until renewed" in grace.text
    assert public_proof(link=link, as_of=cycle.grace_until + dt.timedelta(days=1)).standing.code == "lapsed"
    Cycle.objects.filter(pk=cycle.pk).update(recorded_status=Cycle.INACTIVE)  # what a failed audit records
    assert public_proof(link=link).standing.code == "inactive"


def test_a_renewal_shows_at_once(client, shared):
    from decimal import Decimal

    from tests.factories import ActivityFactory

    cycle = Cycle.objects.filter(certification=shared["acsm"]).get()
    ActivityFactory(
        user=shared["user"], kind="approved_course", awarding_org="ACSM", amount=Decimal("45"), completed_on=cycle.start
    )
    certification_renew(actor=shared["user"], certification=shared["acsm"], on=dt.date.today())
    next_cycle = Cycle.objects.filter(certification=shared["acsm"]).order_by("-start").first()
    assert next_cycle.pk != cycle.pk
    data = client.get(reverse("api-verify", kwargs={"token": shared["token"]})).json()
    assert data["status"] == "current" and data["current_through"] == next_cycle.end.isoformat()


def test_an_expired_ace_certification_says_expired(shipped, trainer):
    from certifications.models import Credential
    from tests.factories import CertificationFactory

    ace = CertificationFactory(
        user=trainer,
        credential=Credential.objects.get(code="ACE-CPT"),
        certified_on=dt.date.today() - dt.timedelta(days=800),
    )
    link, _ = share_link_create(actor=trainer, certification=ace)
    standing = public_proof(link=link).standing
    assert standing.code == "expired" and standing.text.startswith("Expired on")
    assert not standing.cpr_aed_required  # ACE: no CPR/AED line


def test_an_emeritus_certification_reads_as_emeritus_and_its_credential_has_no_end(shared):
    """What the emeritus decision records (certifications.backoffice.services.emeritus_decide)."""
    from certifications.models import Certification
    from certifications.proof.credentials import credential_document
    from certifications.proof.services import credential_issue

    cycle = Cycle.objects.filter(certification=shared["acsm"]).get()
    Cycle.objects.filter(pk=cycle.pk).update(recorded_status=Cycle.EMERITUS)
    Certification.objects.filter(pk=shared["acsm"].pk).update(
        emeritus_on=dt.date.today(), emeritus_code_suffix="-E", emeritus_name_suffix=" – Emeritus"
    )
    proof = public_proof(link=ShareLink.objects.get(pk=shared["link"].pk))
    assert proof.standing.code == "emeritus" and proof.credential_code == "ACSM-CPT-E"
    certification = Certification.objects.get(pk=shared["acsm"].pk)
    cycle.refresh_from_db()
    document = credential_document(
        issued=credential_issue(actor=shared["user"], certification=certification, cycle=cycle)
    )
    assert "validUntil" not in document and document["credentialSubject"]["achievement"]["humanCode"] == "ACSM-CPT-E"


def test_an_organizations_reinstatement_shows_at_once(client, shipped, trainer):
    from certifications.backoffice.services import certification_reinstate
    from certifications.models import Credential
    from tests.factories import CertificationFactory, MembershipFactory

    acsm = Credential.objects.get(code="ACSM-CPT")
    lapsed = CertificationFactory(
        user=trainer, credential=acsm, certified_on=dt.date.today() - dt.timedelta(days=4 * 365)
    )
    _, token = share_link_create(actor=trainer, certification=lapsed)
    url = reverse("api-verify", kwargs={"token": token})
    assert client.get(url).json()["status"] == "lapsed"
    admin = MembershipFactory(organization=acsm.organization, role="admin").user
    certification_reinstate(actor=admin, organization=acsm.organization, certification_id=lapsed.pk, on=dt.date.today())
    data = client.get(url).json()
    assert data["status"] == "current" and data["current_through"] > dt.date.today().isoformat()
