"""Reads for the machine-checkable proof: the Open Badges 3.0 credential of an issued cycle, the Bitstring
Status Lists, and the JSON-LD contexts both name (shipped in `contexts/`, never fetched)."""

import base64
import gzip
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from certifications.models import Cycle
from certifications.proof.models import IssuedCredential
from certifications.proof.selectors import CURRENT, EMERITUS, standing_code
from certifications.proof.signing import data_integrity_sign, jwt_sign, site_did

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"
CONTEXT_FILES = {VC_V2: "credentials-v2.jsonld", OB_V3: "ob-v3p0-context-3.0.3.json"}

# Bitstring Status List: at least 131,072 entries (16 KB) so one credential's bit says little about who it is.
STATUS_LIST_LENGTH = 131_072
REVOCATION, SUSPENSION = "revocation", "suspension"
PURPOSES = (REVOCATION, SUSPENSION)
STATUS_LIST_TTL_SECONDS = 300  # how long a verifier (or a cache) may keep a list before fetching it again
LIVE = (CURRENT, EMERITUS)  # the standings that leave the suspension bit clear (Standing.is_current)


def context_document(url: str) -> bytes:
    """The shipped copy of a JSON-LD context the credentials name."""
    return (_CONTEXT_DIR / CONTEXT_FILES[url]).read_bytes()


def absolute(path: str) -> str:
    return settings.CECT_SITE_URL.rstrip("/") + path


def _datetime(day: date, *, end_of_day: bool = False) -> str:
    moment = datetime.combine(day, time(23, 59, 59) if end_of_day else time(0), tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")


def status_list_url(purpose: str) -> str:
    return absolute(reverse("credential_status_list", kwargs={"purpose": purpose}))


def credential_document(*, issued: IssuedCredential) -> dict:
    """The unsigned OpenBadgeCredential (OB 3.0 on VC 2.0) of one issued cycle: the credential is the
    achievement, valid from the cycle start to its end, issued by this platform for the organization."""
    certification, cycle = issued.certification, issued.cycle
    credential, organization = certification.credential, issued.organization
    holder = certification.user.name.strip()
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": holder or "—"}
        ],
        "achievement": {
            "id": f"urn:cectracker:achievement:{credential.code}",
            "type": ["Achievement"],
            "achievementType": "Certification",
            "name": certification.display_name,
            "humanCode": certification.display_code,
            "description": f"{certification.display_name}, a certification issued by {organization.name}.",
            "criteria": {
                "narrative": f"Certified by {organization.name}, with the continuing education {organization.name} "
                f"requires for each recertification cycle."
            },
            "creator": {
                "id": f"urn:cectracker:organization:{organization.slug}",
                "type": ["Profile"],
                "name": organization.name,
            },
        },
    }
    if certification.number.strip():
        subject["licenseNumber"] = certification.number.strip()
    document = {
        "@context": [VC_V2, OB_V3],
        "id": f"urn:uuid:{issued.uid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": site_did(),
            "type": ["Profile"],
            "name": f"{settings.CECT_SITE_NAME}, on behalf of {organization.name}",
            "url": settings.CECT_SITE_URL,
        },
        "name": f"{certification.display_name} ({certification.display_code})",
        "validFrom": _datetime(cycle.start),
        "credentialSubject": subject,
        "credentialStatus": [
            {
                "id": f"{status_list_url(purpose)}#{issued.status_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(issued.status_index),
                "statusListCredential": status_list_url(purpose),
            }
            for purpose in PURPOSES
        ],
    }
    if certification.emeritus_on is None:  # emeritus needs no renewal (RULES §5): no end date
        document["validUntil"] = _datetime(cycle.end, end_of_day=True)
    return document


def credential_signed(*, issued: IssuedCredential) -> dict:
    """The credential with its embedded Data Integrity proof (eddsa-jcs-2022)."""
    return data_integrity_sign(credential_document(issued=issued))


def credential_jwt(*, issued: IssuedCredential) -> str:
    """The credential as a VC-JWT: the claims are the credential, plus the JWT claims the VC 2.0 context
    defines (iss, nbf, exp, iat), so a JWT library checks the issuer and the dates by itself."""
    document = credential_document(issued=issued)
    claims = {**document, "iss": site_did(), "iat": int(timezone.now().timestamp())}
    claims["nbf"] = int(datetime.fromisoformat(document["validFrom"]).timestamp())
    if "validUntil" in document:
        claims["exp"] = int(datetime.fromisoformat(document["validUntil"]).timestamp())
    return jwt_sign(claims)


def status_bits(*, purpose: str, as_of: date) -> set[int]:
    """The indexes whose bit is set. Revocation is permanent: a removed certification or a revoked share.
    Suspension is live: the certification is not current today (grace, expired, lapsed, failed audit).
    Plain values and two queries whatever the number of credentials: the lists are public and fetched often."""
    with scopes_disabled():
        rows = list(IssuedCredential.objects.values_list("status_index", "certification_id", "revoked_at"))
        revoked = {index for index, cert_id, revoked_at in rows if revoked_at is not None or cert_id is None}
        if purpose == REVOCATION:
            return revoked
        latest = {}
        cycles = Cycle.objects.filter(certification__issued_credentials__revoked_at=None).distinct().order_by("start")
        for cert_id, *values in cycles.values_list(
            "certification_id", "start", "end", "grace_until", "recorded_status"
        ):
            latest[cert_id] = _CycleRow(*values)
    current = {cert_id for cert_id, cycle in latest.items() if standing_code(cycle=cycle, as_of=as_of) in LIVE}
    return {index for index, cert_id, _ in rows if index not in revoked and cert_id not in current}


@dataclass(frozen=True, slots=True)
class _CycleRow:
    start: date
    end: date
    grace_until: date | None
    recorded_status: str


def encode_bitstring(indexes: set[int], *, length: int = STATUS_LIST_LENGTH) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; index 0 is the first byte's
    most significant bit."""
    bits = bytearray(length // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()


def decode_bitstring(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (u...)")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_is_set(encoded: str, index: int) -> bool:
    return bool(decode_bitstring(encoded)[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(*, purpose: str, as_of: date | None = None) -> dict:
    """The signed BitstringStatusListCredential of one purpose, computed now from the live statuses."""
    as_of = as_of or timezone.localdate()
    url = status_list_url(purpose)
    now = timezone.now().astimezone(UTC).replace(microsecond=0)
    return data_integrity_sign(
        {
            "@context": [VC_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": site_did(),
            "validFrom": now.isoformat().replace("+00:00", "Z"),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": purpose,
                "encodedList": encode_bitstring(status_bits(purpose=purpose, as_of=as_of)),
                "ttl": STATUS_LIST_TTL_SECONDS * 1000,  # milliseconds, as the Bitstring Status List names it
            },
        }
    )
