"""A trainer holding an ACE and an ACSM certification, with activities that count differently for each."""

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
    """`trainer` with ACE-CPT (2025-01-01) and ACSM-CPT (2024-06-01) and three activities."""
    ace = CertificationFactory(
        user=trainer,
        credential=Credential.objects.get(code="ACE-CPT"),
        number="ACE-778899",
        certified_on=dt.date(2025, 1, 1),
        cpr_aed_valid_until=dt.date(2027, 5, 31),
    )
    acsm = CertificationFactory(
        user=trainer,
        credential=Credential.objects.get(code="ACSM-CPT"),
        number="ACSM-4455",
        certified_on=dt.date(2024, 6, 1),
        cpr_aed_valid_until=dt.date(2027, 5, 31),
    )
    course = ActivityFactory(
        user=trainer,
        kind="approved_course",
        title="Kettlebell Foundations",
        awarding_org="ACE",
        course_number="CA12345",
        amount=Decimal("0.3"),
        completed_on=dt.date(2025, 3, 1),
    )
    teaching = ActivityFactory(
        user=trainer,
        kind="teaching",
        title="Taught a mobility workshop",
        amount=Decimal("4"),
        completed_on=dt.date(2025, 4, 2),
    )
    workout = ActivityFactory(
        user=trainer, kind="workout", title="Leg day", amount=Decimal("1"), completed_on=dt.date(2025, 5, 3)
    )
    return {"ace": ace, "acsm": acsm, "course": course, "teaching": teaching, "workout": workout, "user": trainer}
