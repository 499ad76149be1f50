"""The holder's proof page: create a link (shown once, with QR codes), revoke it, download the credential;
nobody else reaches another person's certification. Public documents: DID, JWKS, contexts."""

import json
import re

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet

from accounts.models import ActionLog
from certifications.proof.credentials import OB_V3, VC_V2, context_document
from certifications.proof.models import IssuedCredential, ShareLink
from certifications.proof.signing import data_integrity_verify, site_did
from certifications.selectors import certification_current_cycle

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:EdDSA is deprecated")]


def test_creating_a_link_shows_it_once_with_qr_codes(client, holder):
    client.force_login(holder["user"])
    page = reverse("certification_share", args=[holder["acsm"].pk])
    response = client.post(page, {"action": "create", "label": "Downtown gym"}, follow=True)
    body = response.content.decode()
    url = re.search(r'value="(http://testserver/verify/[^"]+)"', body).group(1)
    assert "<svg" in body and "data:image/png;base64," in body and "data:image/svg+xml" in body
    assert ShareLink.objects.get(certification=holder["acsm"]).label == "Downtown gym"
    assert url not in client.get(page).content.decode()  # shown once
    client.logout()
    assert client.get(url).status_code == 200


def test_a_too_long_label_is_explained_on_its_field(client, holder):
    client.force_login(holder["user"])
    response = client.post(
        reverse("certification_share", args=[holder["acsm"].pk]), {"action": "create", "label": "x" * 81}
    )
    body = response.content.decode()
    assert "Keep the note to 80 characters (it has 81)." in body and 'aria-invalid="true"' in body
    assert not ShareLink.objects.exists()


def test_revoking_from_the_page(client, holder):
    from certifications.proof.services import share_link_create

    link, token = share_link_create(actor=holder["user"], certification=holder["acsm"])
    client.force_login(holder["user"])
    client.post(reverse("certification_share", args=[holder["acsm"].pk]), {"action": "revoke", "link": link.pk})
    assert ShareLink.objects.get(pk=link.pk).revoked_at is not None
    assert client.get(reverse("share_verify", kwargs={"token": token})).status_code == 404


def test_another_trainer_gets_404_everywhere_and_changes_nothing(client, holder, other_trainer):
    from certifications.proof.services import share_link_create

    link, _ = share_link_create(actor=holder["user"], certification=holder["acsm"])
    cycle = certification_current_cycle(certification=holder["acsm"])
    client.force_login(other_trainer)
    page = reverse("certification_share", args=[holder["acsm"].pk])
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "revoke", "link": link.pk}).status_code == 404
    assert client.post(page, {"action": "create"}).status_code == 404
    assert (
        client.get(reverse("certification_credential", args=[holder["acsm"].pk, cycle.pk, "json"])).status_code == 404
    )
    api = reverse("api-certification-credential", args=[holder["acsm"].pk])
    assert client.get(api).status_code == 404
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None and ShareLink.objects.count() == 1
    assert not IssuedCredential.objects.exists()


def test_a_link_of_another_certification_of_mine_cannot_be_revoked_through_this_one(client, holder):
    from certifications.proof.services import share_link_create

    link, _ = share_link_create(actor=holder["user"], certification=holder["ace"])
    client.force_login(holder["user"])
    response = client.post(
        reverse("certification_share", args=[holder["acsm"].pk]), {"action": "revoke", "link": link.pk}
    )
    assert response.status_code == 404 and ShareLink.objects.get(pk=link.pk).revoked_at is None


def test_the_page_downloads_both_forms_and_logs_the_issue(client, holder):
    cycle = certification_current_cycle(certification=holder["acsm"])
    client.force_login(holder["user"])
    as_json = client.get(reverse("certification_credential", args=[holder["acsm"].pk, cycle.pk, "json"]))
    assert as_json["Content-Type"].startswith("application/vc+ld+json")
    assert "attachment" in as_json["Content-Disposition"]
    assert data_integrity_verify(json.loads(as_json.content))
    as_jwt = client.get(reverse("certification_credential", args=[holder["acsm"].pk, cycle.pk, "jwt"]))
    assert as_jwt["Content-Type"] == "application/vc+jwt"
    keys = KeySet.import_key_set(client.get(reverse("jwks")).json())
    assert jwt.decode(as_jwt.content.decode(), keys, algorithms=["EdDSA"]).claims["iss"] == site_did()
    assert IssuedCredential.objects.filter(cycle=cycle).count() == 1
    assert ActionLog.objects.filter(action="credential.issued").count() == 1


def test_the_api_downloads_the_credential_and_names_bad_parameters(client, holder):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=holder["user"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    api = reverse("api-certification-credential", args=[holder["acsm"].pk])
    response = client.get(api, **headers)
    assert response.status_code == 200 and data_integrity_verify(response.json())
    assert client.get(api + "?encoding=jwt", **headers).content.count(b".") == 2
    bad = client.get(api + "?encoding=xml", **headers)
    assert bad.status_code == 400 and "encoding" in bad.json()
    other_cycle = certification_current_cycle(certification=holder["ace"])
    wrong = client.get(api + f"?cycle={other_cycle.pk}", **headers)
    assert wrong.status_code == 400 and "cycle" in wrong.json()
    assert client.get(api).status_code in (401, 403)


def test_the_did_document_lists_the_signing_key(client):
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    doc = response.json()
    assert doc["id"] == site_did() == "did:web:127.0.0.1%3A8000"
    method = doc["verificationMethod"][0]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    assert doc["assertionMethod"] == [method["id"]]


def test_the_contexts_are_served_from_the_shipped_files(client):
    v2 = client.get(reverse("jsonld_context", args=["credentials-v2"]))
    ob = client.get(reverse("jsonld_context", args=["ob-v3p0-context-3-0-3"]))
    assert v2.content == context_document(VC_V2) and ob.content == context_document(OB_V3)
    assert "BitstringStatusListEntry" in json.loads(v2.content)["@context"]
    assert "AchievementSubject" in json.loads(ob.content)["@context"]
    assert client.get("/contexts/other.jsonld").status_code == 404


def test_the_trainer_api_creates_lists_and_revokes_share_links(client, holder, other_trainer):
    from rest_framework.authtoken.models import Token

    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=holder['user']).key}"}
    links = reverse("api-certification-share-links", args=[holder["acsm"].pk])
    created = client.post(links, {"label": "Insurer"}, content_type="application/json", **headers)
    assert created.status_code == 201
    body = created.json()
    assert body["label"] == "Insurer" and "/verify/" in body["url"]
    assert client.get(body["url"]).status_code == 200
    listed = client.get(links, **headers).json()
    assert [x["id"] for x in listed] == [body["id"]] and "url" not in listed[0]  # the address only once
    bad = client.post(links, {"label": "x" * 81}, content_type="application/json", **headers)
    assert bad.status_code == 400 and "label" in bad.json()
    other = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=other_trainer).key}"}
    assert client.delete(reverse("api-share-link", args=[body["id"]]), **other).status_code == 404
    assert client.delete(reverse("api-share-link", args=[body["id"]]), **headers).status_code == 204
    assert client.get(body["url"]).status_code == 404


def test_after_an_early_renewal_both_cycles_credentials_are_offered(client, holder):
    import datetime as dt
    from decimal import Decimal

    from certifications.models import Cycle
    from certifications.services import certification_renew
    from tests.factories import ActivityFactory

    renewed = certification_current_cycle(certification=holder["acsm"])
    ActivityFactory(
        user=holder["user"],
        kind="approved_course",
        awarding_org="ACSM",
        amount=Decimal("45"),
        completed_on=renewed.start,
    )
    certification_renew(actor=holder["user"], certification=holder["acsm"], on=dt.date.today())
    following = Cycle.objects.filter(certification=holder["acsm"]).order_by("-start").first()
    client.force_login(holder["user"])
    body = client.get(reverse("certification_share", args=[holder["acsm"].pk])).content.decode()
    for cycle in (renewed, following):
        assert reverse("certification_credential", args=[holder["acsm"].pk, cycle.pk, "jwt"]) in body
    from rest_framework.authtoken.models import Token

    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=holder['user']).key}"}
    document = client.get(reverse("api-certification-credential", args=[holder["acsm"].pk]), **headers).json()
    assert document["validFrom"].startswith(renewed.start.isoformat())  # the one in effect today
