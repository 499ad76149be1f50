"""Reads for credits."""

from django_scopes import scopes_disabled

from accounts.models import Membership
from audits.selectors import organizations_auditing

from .models import Evidence, Petition


def evidence_visible_to(*, user, evidence: Evidence) -> bool:
    """The one access rule for evidence files: the owner, and staff of an organization that has a
    petition on the activity or audits the person (RULES §7). Everyone else must get a 404."""
    if not user.is_authenticated:
        return False
    owner_id = evidence.activity.user_id
    if user.pk == owner_id:
        return True
    with scopes_disabled():
        staff_orgs = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        if not staff_orgs:
            return False
        if Petition.objects.filter(activity_id=evidence.activity_id, organization_id__in=staff_orgs).exists():
            return True
    return bool(staff_orgs & organizations_auditing(person=evidence.activity.user))
