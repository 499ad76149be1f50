"""Employer fixtures: two gyms with an admin and a manager, the shipped rules, and trainers who share."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Membership
from certifications.defaults import load_defaults
from certifications.models import Credential
from employers.models import Location
from employers.services import employer_create, sharing_set, trainer_invite
from tests.conftest import activate_totp
from tests.factories import CertificationFactory, MembershipFactory


@pytest.fixture
def shipped(db):
    return {o.short_name: o for o in load_defaults()}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def gym(db):
    return employer_create(name="Northside Fitness", slug="northside", short_name="Northside")


@pytest.fixture
def other_gym(db):
    return employer_create(name="Southside Studio", slug="southside", short_name="Southside")


def employer_staff(organization, role, email):
    membership = MembershipFactory(organization=organization, role=role, user__email=email)
    if role == Membership.ADMIN:
        activate_totp(membership.user)
    return membership.user


@pytest.fixture
def gym_admin(gym):
    return employer_staff(gym, Membership.ADMIN, "admin@northside.test")


@pytest.fixture
def gym_manager(gym):
    return employer_staff(gym, Membership.MANAGER, "manager@northside.test")


@pytest.fixture
def other_gym_admin(other_gym):
    return employer_staff(other_gym, Membership.ADMIN, "admin@southside.test")


@pytest.fixture
def downtown(gym):
    return Location.objects.create(organization=gym, name="Downtown")


def certify(user, code: str, *, start: dt.date, cpr: dt.date | None = dt.date(2035, 1, 1)):
    """A certification whose current cycle started on `start`."""
    return CertificationFactory(
        user=user, credential=Credential.objects.get(code=code), certified_on=start, cpr_aed_valid_until=cpr
    )


def link_and_share(*, employer, actor, trainer, certifications, location=None):
    """The employer invites the trainer, who shares these certifications."""
    link = trainer_invite(actor=actor, organization=employer, email=trainer.email, location=location)
    return sharing_set(user=trainer, link=link, certification_ids={c.pk for c in certifications})
