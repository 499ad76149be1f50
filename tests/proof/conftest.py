"""A trainer holding ACE-CPT and ACSM-CPT (shipped rules), with activities that must never leak."""

import datetime as dt
from decimal import Decimal

import pytest

from certifications.defaults import load_defaults
from certifications.models import Credential
from tests.factories import ActivityFactory, CertificationFactory

# Dates relative to today, so the cycle is current whenever the suite runs: ACSM's is 3 years long.
CERTIFIED_ACSM = dt.date.today() - dt.timedelta(days=400)


@pytest.fixture
def shipped(db):
    return {o.short_name: o for o in load_defaults()}


@pytest.fixture
def holder(shipped, trainer):
    """`trainer` (named Tess Holder) with a current ACSM-CPT and ACE-CPT, plus an activity."""
    trainer.name = "Tess Holder"
    trainer.save(update_fields=["name"])
    acsm = CertificationFactory(
        user=trainer,
        credential=Credential.objects.get(code="ACSM-CPT"),
        number="ACSM-998877",
        certified_on=CERTIFIED_ACSM,
        cpr_aed_valid_until=dt.date.today() + dt.timedelta(days=3 * 365),
    )
    ace = CertificationFactory(
        user=trainer,
        credential=Credential.objects.get(code="ACE-CPT"),
        number="ACE-445566",
        certified_on=dt.date.today() - dt.timedelta(days=100),
    )
    ActivityFactory(
        user=trainer,
        kind="approved_course",
        title="Secret Kettlebell Seminar",
        awarding_org="ACSM",
        amount=Decimal("6"),
        completed_on=CERTIFIED_ACSM + dt.timedelta(days=30),
    )
    return {"acsm": acsm, "ace": ace, "user": trainer}
