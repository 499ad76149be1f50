"""The selectors feed stored data to the engine: one code path for every figure."""

import datetime as dt
from decimal import Decimal

import pytest

from certifications.defaults import load_defaults
from certifications.models import Credential
from certifications.selectors import cycle_progress, user_progress
from credits.models import Petition
from tests.factories import ActivityFactory, CertificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    return {o.short_name: o for o in load_defaults()}


def test_one_ace_course_counts_for_ace_and_converted_for_acsm(shipped, trainer):
    ace = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    acsm = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), certified_on=dt.date(2024, 6, 1)
    )
    ActivityFactory(
        user=trainer,
        kind="approved_course",
        awarding_org="ACE",
        course_number="CA12345",
        amount=Decimal("0.3"),
        completed_on=dt.date(2025, 3, 1),
    )

    progress = {p.certification: p for p in user_progress(user=trainer, as_of=dt.date(2025, 6, 1))}
    assert progress[ace].result.earned == Decimal("0.30")
    assert progress[acsm].result.earned == Decimal("3.00")  # RULES §5: ACE 0.1 -> ACSM 1.0
    assert progress[ace].cycle.end == dt.date(2026, 12, 31)
    assert progress[acsm].result.cycle.grace_until == dt.date(2027, 11, 30)


def test_a_petition_to_one_organization_decides_only_there(shipped, trainer):
    ace = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-GFI"), certified_on=dt.date(2025, 1, 1)
    )
    activity = ActivityFactory(
        user=trainer,
        kind="other_org_course",
        awarding_org="Kettlebell Guild",
        amount=None,
        hours=Decimal("4"),
        completed_on=dt.date(2025, 2, 1),
    )
    assert cycle_progress(cycle=ace.cycles.get()).result.activities[0].reason == "not_approved"

    petition = Petition.objects.create(
        organization=shipped["ACE"], activity=activity, hours=Decimal("4"), description="x"
    )
    assert cycle_progress(cycle=ace.cycles.get()).result.activities[0].reason == "petition_pending"
    petition.status, petition.amount = Petition.APPROVED, Decimal("0.4")
    petition.save()
    result = cycle_progress(cycle=ace.cycles.get()).result
    assert result.activities[0].applied == Decimal("0.40") and result.activities[0].reason is None


def test_voided_activities_do_not_count(shipped, trainer):
    ace = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    ActivityFactory(
        user=trainer,
        awarding_org="ACE",
        course_number="CA12345",
        amount=Decimal("0.5"),
        completed_on=dt.date(2025, 3, 1),
        voided_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
    )
    assert cycle_progress(cycle=ace.cycles.get()).result.earned == Decimal("0")
