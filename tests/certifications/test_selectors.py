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


def _renew(certification, on):
    from certifications.models import Renewal
    from certifications.services import cycle_create

    old = certification.cycles.get()
    new = cycle_create(
        certification=certification, start=dt.date(old.end.year, old.end.month, old.end.day) + dt.timedelta(days=1)
    )
    renewal = Renewal.objects.create(cycle=old, next_cycle=new, earned=Decimal("45"))
    Renewal.objects.filter(pk=renewal.pk).update(submitted_at=dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC))
    old.recorded_status = "renewed"
    old.save()
    return new


def test_grace_period_credits_stay_with_the_cycle_renewed_late(shipped, trainer):
    """RULES §3: CECs earned during grace count toward the cycle being completed, never the next."""
    acsm = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), certified_on=dt.date(2022, 3, 15)
    )
    in_grace = ActivityFactory(user=trainer, awarding_org="ACSM", amount=Decimal("5"), completed_on=dt.date(2025, 4, 1))
    after_renewal = ActivityFactory(
        user=trainer, awarding_org="ACSM", amount=Decimal("2"), completed_on=dt.date(2025, 5, 1)
    )
    new_cycle = _renew(acsm, on=dt.date(2025, 4, 15))  # renewed during grace
    applied = {a.id: a for a in cycle_progress(cycle=new_cycle, as_of=dt.date(2025, 6, 1)).result.activities}
    assert applied[str(in_grace.pk)].reason == "outside_cycle"
    assert applied[str(after_renewal.pk)].applied == Decimal("2.00")


def test_after_an_on_time_renewal_the_next_cycle_counts_from_its_start(shipped, trainer):
    acsm = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), certified_on=dt.date(2022, 3, 15)
    )
    early = ActivityFactory(user=trainer, awarding_org="ACSM", amount=Decimal("3"), completed_on=dt.date(2025, 3, 20))
    new_cycle = _renew(acsm, on=dt.date(2025, 3, 1))  # before the end date
    applied = {a.id: a for a in cycle_progress(cycle=new_cycle, as_of=dt.date(2025, 6, 1)).result.activities}
    assert applied[str(early.pk)].applied == Decimal("3.00")
