"""A trainer holding ACE-CPT and ACSM-CPT (shipped rules), with activities that must never leak."""

import datetime as dt
from decimal import Decimal

import pytest

from certifications.defaults import load_defaults
from certifications.models import Credential
from tests.factories import ActivityFactory, CertificationFactory


@pytest.fixture
def shipped(db):
    return {o.short_name: o for o in load_defaults()}


@pytest.fixture
def holder(shipped, trainer):
    """`trainer` (named Tess Holder) with ACSM-CPT certified 2024-06-01 and ACE-CPT, plus an activity."""
    trainer.name = "Tess Holder"
    trainer.save(update_fields=["name"])
    acsm = CertificationFactory(
        user=trainer,
        credential=Credential.objects.get(code="ACSM-CPT"),
        number="ACSM-998877",
        certified_on=dt.date(2024, 6, 1),
        cpr_aed_valid_until=dt.date(2028, 5, 31),
    )
    ace = CertificationFactory(
        user=trainer,
        credential=Credential.objects.get(code="ACE-CPT"),
        number="ACE-445566",
        certified_on=dt.date(2025, 1, 1),
    )
    ActivityFactory(
        user=trainer,
        kind="approved_course",
        title="Secret Kettlebell Seminar",
        awarding_org="ACSM",
        amount=Decimal("6"),
        completed_on=dt.date(2025, 3, 1),
    )
    return {"acsm": acsm, "ace": ace, "user": trainer}
