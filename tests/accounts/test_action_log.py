import pytest
from django.urls import reverse

from accounts.models import ActionLog, Membership
from accounts.services import log_action, membership_set_role

pytestmark = pytest.mark.django_db


def test_role_change_records_who_when_what_before_and_after(org_a, admin_a, reviewer_a):
    membership = Membership.objects.get(user=reviewer_a)
    membership_set_role(actor=admin_a, membership=membership, role=Membership.AUDITOR)
    entry = ActionLog.objects.get(action="membership.role_changed")
    assert entry.actor == admin_a
    assert entry.organization == org_a
    assert entry.subject_user == reviewer_a
    assert entry.data == {"before": {"role": "reviewer"}, "after": {"role": "auditor"}}
    assert entry.created_at is not None


def test_the_action_log_page_shows_only_the_own_organization(client, org_a, org_b, admin_a, admin_b):
    log_action(actor=admin_a, action="test.in_a", organization=org_a)
    log_action(actor=admin_b, action="test.in_b", organization=org_b)
    client.force_login(admin_a)
    page = client.get(reverse("org_action_log", args=[org_a.slug])).content.decode()
    assert "Test in a" in page  # actions in words, not codes
    assert "Test in b" not in page
