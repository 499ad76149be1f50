"""Writes for accounts: the action log and tenant staff."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import ActionLog, Membership, Organization, User


def log_action(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    organization: Organization | None = None,
    subject_user: User | None = None,
    data: dict[str, Any] | None = None,
) -> ActionLog:
    """Record a domain event (who, what, on which object, before/after in `data`)."""
    return ActionLog.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        subject_user=subject_user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data or {},
    )


def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Change a staff member's role, recording the change."""
    before = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    log_action(
        actor=actor,
        action="membership.role_changed",
        obj=membership,
        organization=membership.organization,
        subject_user=membership.user,
        data={"before": {"role": before}, "after": {"role": role}},
    )
    return membership
