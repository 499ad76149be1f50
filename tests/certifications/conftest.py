"""Fixtures for certification tests: the shipped ACE/ACSM defaults and helpers on dates relative to today."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from certifications.defaults import load_defaults
from certifications.models import Credential
from certifications.rules import add_months, add_years
from tests.factories import ActivityFactory, CertificationFactory

_course_numbers = itertools.count(20000)


@pytest.fixture
def shipped(db):
    return {o.short_name: o for o in load_defaults()}


@pytest.fixture
def today():
    return timezone.localdate()


def credential(code: str) -> Credential:
    return Credential.objects.get(code=code)


def certify(user, code: str, *, start: dt.date, cpr: dt.date | None = dt.date(2035, 1, 1), **extra):
    """A certification whose current cycle started on `start`."""
    return CertificationFactory(
        user=user, credential=credential(code), certified_on=start, cpr_aed_valid_until=cpr, **extra
    )


def earn(user, amount, on: dt.date, org: str = "ACSM", **extra):
    """One approved course of the organization, worth `amount`."""
    defaults = {"course_number": f"CA{next(_course_numbers)}"} if org == "ACE" else {}
    return ActivityFactory(
        user=user, awarding_org=org, amount=Decimal(str(amount)), completed_on=on, **{**defaults, **extra}
    )


def years_ago(today: dt.date, years: int, months: int = 0) -> dt.date:
    return add_months(add_years(today, -years), -months)
