"""One activity, all certifications: each certification shows what the activity applied in the cycle it falls in."""

import datetime as dt
from decimal import Decimal

import pytest

from certifications.models import Credential
from certifications.rules.engine import OUTSIDE_CYCLE
from certifications.services import cycle_create
from credits.selectors import activity_applications
from tests.factories import ActivityFactory, CertificationFactory

pytestmark = pytest.mark.django_db


def test_an_activity_of_the_previous_cycle_shows_what_it_applied_there(shipped, trainer):
    ace = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2022, 1, 1)
    )
    cycle_create(certification=ace, start=dt.date(2024, 1, 1))  # renewed: the current cycle is 2024-2025
    old = ActivityFactory(
        user=trainer,
        kind="approved_course",
        awarding_org="ACE",
        amount=Decimal("0.5"),
        completed_on=dt.date(2023, 6, 1),
        course_number="CEP12345",
    )
    new = ActivityFactory(
        user=trainer,
        kind="approved_course",
        awarding_org="ACE",
        amount=Decimal("0.3"),
        completed_on=dt.date(2024, 6, 1),
        course_number="CEP12346",
    )
    before = ActivityFactory(
        user=trainer,
        kind="approved_course",
        awarding_org="ACE",
        amount=Decimal("0.2"),
        completed_on=dt.date(2021, 6, 1),
        course_number="CEP12347",
    )

    applications = activity_applications(user=trainer, as_of=dt.date(2024, 7, 1))

    [in_old] = applications[old.pk]
    assert (in_old.cycle_start, in_old.applied, in_old.reason) == (dt.date(2022, 1, 1), Decimal("0.50"), None)
    [in_new] = applications[new.pk]
    assert (in_new.cycle_start, in_new.applied) == (dt.date(2024, 1, 1), Decimal("0.30"))
    [outside] = applications[before.pk]  # in no cycle: the current cycle says why
    assert (outside.cycle_start, outside.reason) == (dt.date(2024, 1, 1), OUTSIDE_CYCLE)
