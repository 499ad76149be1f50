"""Back-office fixtures: the shipped ACE/ACSM rule sets and a notification recorder."""

import pytest

from certifications.defaults import load_defaults
from certifications.models import Credential


@pytest.fixture
def shipped(org_a, org_b):
    """The shipped defaults, installed into the test organizations "ace" and "acsm"."""
    load_defaults()
    return {"ACE": org_a, "ACSM": org_b}


@pytest.fixture
def ace_cpt(shipped):
    return Credential.objects.get(code="ACE-CPT")


@pytest.fixture
def acsm_cpt(shipped):
    return Credential.objects.get(code="ACSM-CPT")


@pytest.fixture
def notified(monkeypatch):
    """Every notify() call, as (user, kind, key, context), wherever it is imported."""
    calls = []

    def record(*, user, kind, key, context=None):
        calls.append((user, kind, key, context or {}))

    import importlib

    for module in (
        "credits.petitions.services",
        "audits.services",
        "certifications.backoffice.services",
    ):
        try:
            monkeypatch.setattr(importlib.import_module(module), "notify", record)
        except (ImportError, AttributeError):
            pass
    return calls
