"""Writes for proof of certification: share links (create, revoke, open) and issued credentials."""

import secrets

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User
from accounts.services import log_action
from certifications.exports.models import feed_token_hash
from certifications.models import Certification
from certifications.proof.models import IssuedCredential, ShareLink
from certifications.proof.selectors import share_link_for_token


@transaction.atomic
def share_link_create(*, actor: User, certification: Certification, label: str = "") -> tuple[ShareLink, str]:
    """A new public link to the certification's live status; returns it with its token (256 random bits),
    which is shown once: only its hash is stored."""
    token = secrets.token_urlsafe(32)
    with scopes_disabled():
        link = ShareLink.objects.create(certification=certification, token_hash=feed_token_hash(token), label=label)
    log_action(
        actor=actor,
        action="share_link.created",
        obj=link,
        subject_user=certification.user,
        data={"after": {"certification": certification.pk, "label": label}},
    )
    return link, token


@transaction.atomic
def share_link_revoke(*, actor: User, link: ShareLink) -> ShareLink:
    """Revoke a share link: its URL answers 404 from now on. The certification's issued credentials are
    revoked with it (their status bit flips), since the holder is withdrawing the proof they handed out."""
    with scopes_disabled():
        link = ShareLink.objects.select_for_update().select_related("certification").get(pk=link.pk)
        if link.revoked_at is not None:
            return link
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        revoked = credentials_revoke(certification=link.certification, reason="share_revoked")
    log_action(
        actor=actor,
        action="share_link.revoked",
        obj=link,
        subject_user=link.certification.user,
        data={
            "before": {"revoked_at": None},
            "after": {"revoked_at": link.revoked_at.isoformat(), "credentials_revoked": revoked},
        },
    )
    return link


def share_link_open(*, token: str) -> ShareLink | None:
    """The active link behind a token, with its certification, noting when it was opened; None when the token
    is unknown or revoked (callers answer both with the same 404)."""
    link = share_link_for_token(token=token)
    if link is not None:
        now = timezone.now()
        with scopes_disabled():
            ShareLink.objects.filter(pk=link.pk).update(last_opened_at=now)
        link.last_opened_at = now
    return link


def credentials_revoke(*, certification: Certification, reason: str) -> list[int]:
    """Revoke every live credential issued for the certification (permanent); returns their status indexes."""
    with scopes_disabled():
        rows = IssuedCredential.objects.select_for_update().filter(certification=certification, revoked_at=None)
        indexes = list(rows.values_list("status_index", flat=True))
        rows.update(revoked_at=timezone.now(), revoked_reason=reason)
    return indexes
