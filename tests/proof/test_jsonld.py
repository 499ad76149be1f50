"""The credentials are sound JSON-LD under the contexts we ship: pyld expands them with a document loader that
serves only our copies (anything else fails, so nothing comes from the network), drops no property, and
compacting gives back the same document. A term the contexts don't define would be lost here."""

import json

import pytest
from pyld import jsonld

from certifications.proof.credentials import CONTEXT_FILES, context_document, credential_signed, status_list_credential
from certifications.proof.services import credential_issue
from certifications.selectors import certification_current_cycle

pytestmark = pytest.mark.django_db


def _offline_loader(url, options=None):
    if url not in CONTEXT_FILES:
        raise AssertionError(f"a context outside the shipped ones was requested: {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(context_document(url)),
    }


def _round_trip(document):
    expanded = jsonld.expand(document, {"documentLoader": _offline_loader})
    return jsonld.compact(expanded, {"@context": document["@context"]}, {"documentLoader": _offline_loader})


def _without_proof_context(document):
    # The proof's own @context (eddsa-jcs-2022 copies the document's into it) is dropped by compaction: the
    # proof is a graph of its own in JSON-LD. Everything else must come back as it was.
    return {
        k: ({kk: vv for kk, vv in v.items() if kk != "@context"} if k == "proof" else v) for k, v in document.items()
    }


@pytest.mark.parametrize("which", ["credential", "status_list"])
def test_every_property_is_defined_by_the_shipped_contexts(holder, which):
    if which == "credential":
        certification = holder["acsm"]
        cycle = certification_current_cycle(certification=certification)
        document = credential_signed(
            issued=credential_issue(actor=holder["user"], certification=certification, cycle=cycle)
        )
    else:
        document = status_list_credential(purpose="suspension")
    compacted = _round_trip(document)

    def normal(value):  # compaction writes one-element arrays as single values
        if isinstance(value, dict):
            return {k: normal(v) for k, v in value.items()}
        if isinstance(value, list):
            return normal(value[0]) if len(value) == 1 else [normal(v) for v in value]
        return value

    assert normal(compacted) == normal(_without_proof_context(document))
