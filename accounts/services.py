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


def api_token_regenerate(*, user: User) -> str:
    """Replace the person's API token with a new one and return its key (shown to them once)."""
    from rest_framework.authtoken.models import Token

    had_token = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    # Never log the key itself: the action log is readable by more people than the token's owner.
    log_action(
        actor=user,
        action="api_token.regenerated" if had_token else "api_token.created",
        subject_user=user,
        data={"before": {"token": had_token}, "after": {"token": True, "created": token.created.isoformat()}},
    )
    return token.key


def api_token_revoke(*, user: User) -> bool:
    """Delete the person's API token; requests with it get 401 from then on. False if there was none."""
    from rest_framework.authtoken.models import Token

    deleted = Token.objects.filter(user=user).delete()[0] > 0
    if deleted:
        log_action(
            actor=user,
            action="api_token.revoked",
            subject_user=user,
            data={"before": {"token": True}, "after": {"token": False}},
        )
    return deleted
