"""Ed25519 keys, canonical JSON and the two ways a credential is secured: an embedded Data Integrity proof
(`eddsa-jcs-2022`: JSON Canonicalization Scheme, RFC 8785) and a VC-JWT (compact JWS, EdDSA).

Pure functions over the keys in settings; no database. The DID is `did:web` of the site (SITE_URL), and each
key's id is the DID with the key's multibase as fragment, so credentials signed before a rotation still name
a key the DID document lists."""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

CRYPTOSUITE = "eddsa-jcs-2022"
_ED25519_MULTICODEC = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class SigningKeyError(ValueError):
    """A configured key that is not an Ed25519 key in the expected encoding."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def base58btc(data: bytes) -> str:
    number, out = int.from_bytes(data, "big"), ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def jcs(value) -> bytes:
    """RFC 8785 canonical JSON of a value without floats (our documents hold strings, integers, booleans)."""

    def check(item):
        if isinstance(item, float):
            raise TypeError("JCS of floats is not needed here and not implemented")
        if isinstance(item, dict):
            for v in item.values():
                check(v)
        elif isinstance(item, list):
            for v in item:
                check(v)

    check(value)

    def canonical(item):
        if isinstance(item, dict):
            # Keys sort by their UTF-16 code units (RFC 8785 §3.2.3), not by code points.
            keys = sorted(item, key=lambda k: k.encode("utf-16-be"))
            return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(item[k]) for k in keys) + "}"
        if isinstance(item, list):
            return "[" + ",".join(canonical(v) for v in item) + "]"
        return json.dumps(item, ensure_ascii=False)

    return canonical(value).encode()


def generate_private_key_text() -> str:
    """A new Ed25519 private key as the settings expect it: the 32-byte seed, base64url."""
    seed = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return b64url(seed)


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    try:
        seed = b64url_decode(text.strip())
    except (ValueError, TypeError) as exc:
        raise SigningKeyError("the signing key is not base64url") from exc
    if len(seed) != 32:
        raise SigningKeyError("the signing key must be a 32-byte Ed25519 seed, base64url-encoded")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_multibase(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc(_ED25519_MULTICODEC + raw)


def public_from_multibase(text: str) -> Ed25519PublicKey:
    if not text.startswith("z"):
        raise SigningKeyError("a public key must be multibase base58btc (z...)")
    try:
        data = base58btc_decode(text[1:])
    except ValueError as exc:
        raise SigningKeyError("a public key must be multibase base58btc (z...)") from exc
    if not data.startswith(_ED25519_MULTICODEC) or len(data) != 34:
        raise SigningKeyError("a public key must be an Ed25519 multikey (z6Mk...)")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def site_did() -> str:
    """`did:web` of the site: its host (a port is percent-encoded) and path, from CECT_DID or SITE_URL."""
    if getattr(settings, "CECT_DID", ""):
        return settings.CECT_DID
    parts = urlsplit(settings.CECT_SITE_URL)
    path = ":".join(quote(p) for p in parts.path.strip("/").split("/") if p)
    return "did:web:" + quote(parts.netloc, safe="") + (":" + path if path else "")


@dataclass(frozen=True)
class PublicKey:
    id: str  # did:web:...#z6Mk...
    multibase: str
    key: Ed25519PublicKey
    current: bool

    def jwk(self) -> dict:
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": self.id, "alg": "EdDSA", "use": "sig"}


@dataclass(frozen=True)
class Keys:
    private: Ed25519PrivateKey
    current: PublicKey
    all: tuple[PublicKey, ...]  # current first, then the retired ones

    def find(self, key_id: str) -> PublicKey | None:
        return next((k for k in self.all if k.id == key_id), None)


def signing_keys() -> Keys:
    """The current signing key and every published public key, from settings (parsed once per value)."""
    return _keys(settings.CECT_SIGNING_KEY, tuple(settings.CECT_RETIRED_SIGNING_KEYS), site_did())


@lru_cache(maxsize=4)
def _keys(private_text: str, retired: tuple[str, ...], did: str) -> Keys:
    private = private_key_from_text(private_text)
    mb = public_multibase(private.public_key())
    current = PublicKey(f"{did}#{mb}", mb, private.public_key(), True)
    others = tuple(
        PublicKey(f"{did}#{text.strip()}", text.strip(), public_from_multibase(text.strip()), False)
        for text in retired
        if text.strip() and text.strip() != mb
    )
    return Keys(private, current, (current, *others))


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _hash_data(document: dict, proof_config: dict) -> bytes:
    return hashlib.sha256(jcs(proof_config)).digest() + hashlib.sha256(jcs(document)).digest()


def data_integrity_sign(document: dict, *, keys: Keys | None = None) -> dict:
    """The document with an `eddsa-jcs-2022` DataIntegrityProof (proofPurpose assertionMethod) attached."""
    keys = keys or signing_keys()
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _now(),
        "verificationMethod": keys.current.id,
        "proofPurpose": "assertionMethod",
    }
    if "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    signature = keys.private.sign(_hash_data(unsecured, proof))
    return {**unsecured, "proof": {**proof, "proofValue": "z" + base58btc(signature)}}


def data_integrity_verify(document: dict, *, keys: Keys | None = None) -> bool:
    """True when the embedded proof was made by one of our published keys over exactly this document."""
    keys = keys or signing_keys()
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    key = keys.find(proof.get("verificationMethod", ""))
    value = proof.get("proofValue", "")
    if key is None or not isinstance(value, str) or not value.startswith("z"):
        return False
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in config and config["@context"] != unsecured.get("@context"):
        return False
    try:
        key.key.verify(base58btc_decode(value[1:]), _hash_data(unsecured, config))
    except (InvalidSignature, ValueError):
        return False
    return True


def jwt_sign(payload: dict, *, typ: str = "vc+jwt", keys: Keys | None = None) -> str:
    """A compact JWS (EdDSA over Ed25519) of the payload, naming our current key in `kid`."""
    keys = keys or signing_keys()
    header = {"alg": "EdDSA", "kid": keys.current.id, "typ": typ, "cty": "vc"}
    signing_input = b64url(jcs(header)) + "." + b64url(jcs(payload))
    return signing_input + "." + b64url(keys.private.sign(signing_input.encode()))


def did_document() -> dict:
    """The `did:web` document: every published key (current and retired) as a Multikey for assertions."""
    keys, did = signing_keys(), site_did()
    methods = [{"id": k.id, "type": "Multikey", "controller": did, "publicKeyMultibase": k.multibase} for k in keys.all]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [k.id for k in keys.all],
    }


def jwks() -> dict:
    """The same keys as a JSON Web Key Set, for JWT libraries."""
    return {"keys": [k.jwk() for k in signing_keys().all]}
