"""Writes for proof of certification: share links (create, revoke, open) and issued credentials."""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User
from accounts.services import log_action
from certifications.exports.models import feed_token_hash
from certifications.models import Certification, Cycle
from certifications.proof.models import IssuedCredential, ShareLink
from certifications.proof.selectors import EMERITUS, certification_standing, share_link_for_token


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


def credential_issue(*, actor: User | None, certification: Certification, cycle: Cycle) -> IssuedCredential:
    """The live credential of a cycle, issued now if it has none: a cycle not yet over of a certification that
    is current today. Idempotent (one live credential per cycle, by constraint). Raises ValidationError."""
    from certifications.proof.credentials import STATUS_LIST_LENGTH

    today = timezone.localdate()
    with transaction.atomic(), scopes_disabled():
        existing = IssuedCredential.objects.filter(cycle=cycle, revoked_at=None).first()
        if existing is not None:
            return existing
        if cycle.certification_id != certification.pk:
            raise ValidationError({"cycle": "That cycle is not one of this certification's."})
        standing = certification_standing(certification=certification, as_of=today)
        if not standing.is_current:
            raise ValidationError({"cycle": f"No credential can be issued now. {standing.text}"})
        if cycle.end < today and standing.code != EMERITUS:  # emeritus needs no renewal: its cycle stays valid
            raise ValidationError({"cycle": f"This cycle ended on {cycle.end:%B %-d, %Y}: it has no credential."})
        for _ in range(20):  # a random free place in the list; collisions are rare until it fills up
            try:
                with transaction.atomic():
                    issued = IssuedCredential.objects.create(
                        organization=certification.credential.organization,
                        certification=certification,
                        cycle=cycle,
                        user=certification.user,
                        status_index=secrets.randbelow(STATUS_LIST_LENGTH),
                    )
                break
            except IntegrityError:
                existing = IssuedCredential.objects.filter(cycle=cycle, revoked_at=None).first()
                if existing is not None:  # issued by a concurrent request
                    return existing
        else:
            raise ValidationError({"cycle": "The status list is full; the operator must add another."})
    log_action(
        actor=actor,
        action="credential.issued",
        obj=issued,
        subject_user=certification.user,
        data={"after": {"cycle": f"{cycle.start}…{cycle.end}", "status_index": issued.status_index}},
    )
    return issued


def credential_issue_next(*, actor: User | None, renewed: Cycle, next_cycle: Cycle) -> IssuedCredential | None:
    """On renewal: a holder who had a credential for the renewed cycle gets the next cycle's at once."""
    with scopes_disabled():
        had = IssuedCredential.objects.filter(cycle=renewed, revoked_at=None).exists()
        certification = next_cycle.certification
    return credential_issue(actor=actor, certification=certification, cycle=next_cycle) if had else None
