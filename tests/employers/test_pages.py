"""The employer's own pages: staff, locations, a trainer's location and removal, API keys; each in the log."""

import pytest
from django.urls import reverse

from accounts.models import ActionLog, Membership
from employers.models import Link, Location
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def logged(organization, action):
    return ActionLog.objects.filter(organization=organization, action=action).count()


def test_admin_adds_staff_and_locations(client, gym, gym_admin):
    client.force_login(gym_admin)
    colleague = UserFactory(email="sam@example.com")
    url = reverse("employer_staff", args=[gym.slug])
    page = client.post(url, {"email": "nobody@example.com", "role": "manager"}).content.decode()
    assert "No CEC Tracker account uses this address" in page
    assert client.post(url, {"email": "SAM@example.com", "role": "manager"}).status_code == 302
    assert Membership.objects.get(user=colleague).role == Membership.MANAGER
    page = client.post(url, {"email": "sam@example.com", "role": "reviewer"}).content.decode()
    assert "Choose admin or manager." in page
    url = reverse("employer_locations", args=[gym.slug])
    assert client.post(url, {"name": "Downtown"}).status_code == 302
    assert "You already have a location with this name." in client.post(url, {"name": "Downtown"}).content.decode()
    assert logged(gym, "employer.staff_added") == 1 and logged(gym, "employer.location_created") == 1


def test_an_employer_membership_cannot_take_a_back_office_role(gym):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Membership(user=UserFactory(), organization=gym, role=Membership.REVIEWER).full_clean()


def test_a_trainer_is_placed_at_a_location_and_removed(client, gym, gym_manager, downtown, other_gym):
    from employers.services import trainer_invite

    link = trainer_invite(actor=gym_manager, organization=gym, email="x@example.com")
    elsewhere = Location.objects.create(organization=other_gym, name="Elsewhere")
    client.force_login(gym_manager)
    url = reverse("employer_trainer", args=[gym.slug, link.pk])
    page = client.post(url, {"action": "location", "location": elsewhere.pk}).content.decode()
    assert "Choose one of your locations." in page
    assert client.post(url, {"action": "location", "location": downtown.pk}).status_code == 302
    assert Link.objects.get().location == downtown
    assert client.post(url, {"action": "remove"}).status_code == 302
    assert not Link.objects.exists()
    assert logged(gym, "employer.trainer_location_changed") == 1 and logged(gym, "employer.trainer_removed") == 1


def test_an_api_key_is_shown_once_and_revoked(client, gym, gym_admin):
    client.force_login(gym_admin)
    url = reverse("employer_api_keys", args=[gym.slug])
    response = client.post(url, {"action": "create_key", "name": "HR"})
    assert response["Cache-Control"] == "no-store" and 'id="new-key"' in response.content.decode()
    assert 'id="new-key"' not in client.get(url).content.decode()
    key = gym.employer_keys.get()
    client.post(url, {"action": "revoke_key", "key_id": key.pk})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.post(url, {"action": "revoke_key", "key_id": "x"}).status_code == 404
    assert logged(gym, "employer.api_key_created") == 1 and logged(gym, "employer.api_key_revoked") == 1


def test_an_employer_admin_without_two_factor_is_sent_to_set_it_up(client, gym):
    admin = UserFactory()
    Membership.objects.create(user=admin, organization=gym, role=Membership.ADMIN)
    client.force_login(admin)
    response = client.get(reverse("employer_roster", args=[gym.slug]))
    assert response.status_code == 302 and reverse("mfa_activate_totp") in response["Location"]


def test_staff_change_roles_and_leave_but_an_admin_always_remains(client, gym, gym_admin, gym_manager, other_gym_admin):
    client.force_login(gym_admin)
    url = reverse("employer_staff", args=[gym.slug])
    admin_membership = Membership.objects.get(user=gym_admin)
    page = client.post(url, {"action": "remove", "membership_id": admin_membership.pk}, follow=True).content.decode()
    assert "needs at least one admin" in page and Membership.objects.filter(user=gym_admin).exists()
    manager_membership = Membership.objects.get(user=gym_manager)
    client.post(url, {"action": "admin", "membership_id": manager_membership.pk})
    assert Membership.objects.get(user=gym_manager).role == Membership.ADMIN
    client.post(url, {"action": "remove", "membership_id": manager_membership.pk})
    assert not Membership.objects.filter(user=gym_manager).exists()
    other = Membership.objects.get(user=other_gym_admin)  # another employer's staff: not found here
    assert client.post(url, {"action": "remove", "membership_id": other.pk}).status_code == 404
    assert logged(gym, "membership.role_changed") == 1 and logged(gym, "employer.staff_removed") == 1
