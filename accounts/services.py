"""Writes for accounts: the action log and tenant staff."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.apikeys.models import ProviderApiKey, api_key_generate, api_key_hash
from accounts.models import ActionLog, Membership, Organization, Provider, User


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
    entry = action_log_entry(
        actor=actor, action=action, obj=obj, organization=organization, subject_user=subject_user, data=data
    )
    entry.save()
    return entry


def log_actions(*, entries: list[ActionLog]) -> list[ActionLog]:
    """Record many events built with `action_log_entry` in one insert (bulk provider reports)."""
    return ActionLog.objects.bulk_create(entries, batch_size=1000)


def action_log_entry(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    organization: Organization | None = None,
    subject_user: User | None = None,
    subject_user_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> ActionLog:
    """An unsaved action-log row: the one place its fields are filled."""
    entry = ActionLog(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        subject_user=subject_user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data or {},
    )
    if subject_user is None and subject_user_id is not None:
        entry.subject_user_id = subject_user_id
    return entry


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


def api_token_revoke(*, user: User, reason: str = "") -> bool:
    """Delete the person's API token; requests with it get 401 from then on. False if there was none.

    `reason` says in the log why, when it was not the person's own click (e.g. "password_changed")."""
    from rest_framework.authtoken.models import Token

    deleted = Token.objects.filter(user=user).delete()[0] > 0
    if deleted:
        data = {"before": {"token": True}, "after": {"token": False}}
        log_action(
            actor=user,
            action="api_token.revoked",
            subject_user=user,
            data={**data, "reason": reason} if reason else data,
        )
    return deleted


def provider_create(*, actor: User, organization: Organization, name: str, contact_email: str = "") -> Provider:
    """Approve a course provider for the organization (the name is unique within it)."""
    provider = Provider(organization=organization, name=name.strip(), contact_email=contact_email.strip())
    provider.full_clean()
    provider.save()
    log_action(
        actor=actor,
        action="provider.created",
        obj=provider,
        organization=organization,
        data={"after": {"name": provider.name, "contact_email": provider.contact_email}},
    )
    return provider


def api_key_issue(
    *, model, actor: User | None, organization: Organization, action: str, name: str, data=None, **owner
) -> tuple[Any, str]:
    """A new API key of `model` for its owner (provider or employer): the row and the key itself, never shown again."""
    prefix, raw = api_key_generate()
    api_key = model.objects.create(
        name=name.strip(), prefix=prefix, key_hash=api_key_hash(raw), created_by=actor, **owner
    )
    log_action(
        actor=actor,
        action=action,
        obj=api_key,
        organization=organization,
        data={"after": {**(data or {}), "name": api_key.name, "prefix": prefix}},
    )
    return api_key, raw


def api_key_retire(*, actor: User | None, api_key, organization: Organization, action: str):
    """Revoke a key at once: the next request with it is a 401."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        log_action(
            actor=actor,
            action=action,
            obj=api_key,
            organization=organization,
            data={"before": {"revoked_at": None}, "after": {"revoked_at": api_key.revoked_at.isoformat()}},
        )
    return api_key


def provider_staff_add(*, actor: User, provider: Provider, email: str) -> User:
    """Give a person the provider's portal (`/provider/<id>/`); they sign up first, as anyone does."""
    from django.core.exceptions import ValidationError

    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise ValidationError({"email": "Nobody has an account with this email yet: ask them to create one first."})
    if not provider.users.filter(pk=user.pk).exists():
        provider.users.add(user)
        log_action(
            actor=actor,
            action="provider.staff_added",
            obj=provider,
            organization=provider.organization,
            subject_user=user,
            data={"provider": provider.name, "after": {"staff": user.email}},
        )
    return user


def provider_staff_remove(*, actor: User, provider: Provider, user: User) -> None:
    """Take the provider's portal away from a person at once."""
    if provider.users.filter(pk=user.pk).exists():
        provider.users.remove(user)
        log_action(
            actor=actor,
            action="provider.staff_removed",
            obj=provider,
            organization=provider.organization,
            subject_user=user,
            data={"provider": provider.name, "before": {"staff": user.email}},
        )


def provider_api_key_create(*, actor: User, provider: Provider, name: str) -> tuple[ProviderApiKey, str]:
    """A new API key for the provider: returns the row and the key itself, which is never shown again."""
    return api_key_issue(
        model=ProviderApiKey,
        actor=actor,
        organization=provider.organization,
        action="provider.api_key_created",
        name=name,
        data={"provider": provider.name},
        provider=provider,
    )


def provider_api_key_revoke(*, actor: User, api_key: ProviderApiKey) -> ProviderApiKey:
    """Revoke a key at once: the next request with it is a 401."""
    return api_key_retire(
        actor=actor, api_key=api_key, organization=api_key.provider.organization, action="provider.api_key_revoked"
    )
