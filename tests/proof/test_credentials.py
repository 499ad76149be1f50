"""The Open Badges 3.0 credential: its required properties, and signatures that other libraries verify."""

import copy
import json

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from certifications.proof.credentials import OB_V3, VC_V2, credential_document, credential_jwt, credential_signed
from certifications.proof.services import credential_issue
from certifications.proof.signing import data_integrity_verify, did_document, jwks, site_did
from certifications.selectors import certification_current_cycle

pytestmark = [
    pytest.mark.django_db,
    # RFC 9864 names the algorithm "Ed25519" and deprecates "EdDSA"; verifiers in the field still expect "EdDSA".
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated"),
]


@pytest.fixture
def issued(holder):
    certification = holder["acsm"]
    return credential_issue(
        actor=holder["user"],
        certification=certification,
        cycle=certification_current_cycle(certification=certification),
    )


def test_the_credential_carries_the_required_open_badges_and_vc_properties(issued, holder):
    doc = credential_document(issued=issued)
    cycle = issued.cycle
    assert doc["@context"] == [VC_V2, OB_V3]  # VC 2.0 first, then OB 3.0
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"] == f"urn:uuid:{issued.uid}"
    assert doc["issuer"]["id"] == site_did() and doc["issuer"]["type"] == ["Profile"]
    assert doc["validFrom"] == f"{cycle.start.isoformat()}T00:00:00Z"
    assert doc["validUntil"] == f"{cycle.end.isoformat()}T23:59:59Z"
    assert doc["name"]
    subject = doc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0]["identityHash"] == "Tess Holder"
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["humanCode"] == "ACSM-CPT"
    assert achievement["criteria"]["narrative"]
    assert achievement["creator"]["name"] == holder["acsm"].credential.organization.name  # on behalf of the org
    statuses = {s["statusPurpose"]: s for s in doc["credentialStatus"]}
    assert set(statuses) == {"revocation", "suspension"}
    for purpose, entry in statuses.items():
        assert entry["type"] == "BitstringStatusListEntry"
        assert entry["statusListIndex"] == str(issued.status_index)
        assert entry["statusListCredential"].endswith(reverse("credential_status_list", args=[purpose]))


def _keyset():
    return KeySet.import_key_set(jwks())


def test_the_vc_jwt_verifies_with_joserfc_against_the_published_jwks(issued):
    token = credential_jwt(issued=issued)
    decoded = jwt.decode(token, _keyset(), algorithms=["EdDSA"])
    assert decoded.header["alg"] == "EdDSA" and decoded.header["typ"] == "vc+jwt"
    assert decoded.header["kid"] in {m["id"] for m in did_document()["verificationMethod"]}
    claims = decoded.claims
    assert claims["iss"] == site_did()
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": site_did()}).validate(claims)  # nbf/exp checked too


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.update(validUntil="2099-12-31T23:59:59Z"),
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Someone Else"),
        lambda c: c["credentialSubject"]["achievement"].update(humanCode="ACSM-CEP"),
        lambda c: c["credentialStatus"][0].update(statusListIndex="1"),
    ],
)
def test_changing_any_field_breaks_both_signatures(issued, change):
    import base64

    token = credential_jwt(issued=issued)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(claims)
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        jwt.decode(f"{header}.{forged_payload}.{signature}", _keyset(), algorithms=["EdDSA"])

    signed = credential_signed(issued=issued)
    assert data_integrity_verify(signed)
    forged = copy.deepcopy(signed)
    change(forged)
    assert not data_integrity_verify(forged)


def test_the_embedded_proof_verifies_with_the_raw_ed25519_key_of_the_did_document(issued):
    """An independent check of eddsa-jcs-2022: hash the canonical proof options and document, verify with
    cryptography's Ed25519 and the key read from the DID document (not from our key objects)."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from certifications.proof.signing import base58btc_decode

    signed = credential_signed(issued=issued)
    proof = signed["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    method = next(m for m in did_document()["verificationMethod"] if m["id"] == proof["verificationMethod"])
    key = Ed25519PublicKey.from_public_bytes(base58btc_decode(method["publicKeyMultibase"][1:])[2:])

    def canonical(value):  # RFC 8785 for these documents (ASCII keys, no floats): sorted keys, no spaces
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    data = hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(unsecured)).digest()
    key.verify(base58btc_decode(proof["proofValue"][1:]), data)  # raises if it does not verify


def test_a_credential_signed_before_a_key_rotation_still_verifies(issued, settings):
    from certifications.proof.signing import generate_private_key_text, public_multibase, signing_keys

    old_token = credential_jwt(issued=issued)
    old_signed = credential_signed(issued=issued)
    old_public = public_multibase(signing_keys().private.public_key())
    settings.CECT_SIGNING_KEY = generate_private_key_text()
    settings.CECT_RETIRED_SIGNING_KEYS = [old_public]
    ids = [m["id"] for m in did_document()["verificationMethod"]]
    assert len(ids) == 2 and ids[1].endswith(old_public)
    assert jwt.decode(old_token, _keyset(), algorithms=["EdDSA"]).claims["iss"] == site_did()
    assert data_integrity_verify(old_signed)
    assert jwt.decode(credential_jwt(issued=issued), _keyset(), algorithms=["EdDSA"]).header["kid"] == ids[0]
    settings.CECT_RETIRED_SIGNING_KEYS = []  # a key no longer published no longer verifies
    assert not data_integrity_verify(old_signed)


def test_issuing_is_idempotent_and_refused_when_not_current(issued, holder):
    from django.core.exceptions import ValidationError

    from certifications.models import Cycle

    certification = holder["acsm"]
    assert credential_issue(actor=holder["user"], certification=certification, cycle=issued.cycle) == issued
    Cycle.objects.filter(pk=issued.cycle.pk).update(recorded_status=Cycle.INACTIVE)
    issued.delete()
    with pytest.raises(ValidationError, match="Inactive"):
        credential_issue(actor=holder["user"], certification=certification, cycle=issued.cycle)
