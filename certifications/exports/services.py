"""Writes for exports: private calendar feeds."""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import log_action
from certifications.exports.models import CalendarFeed, feed_token_hash


@transaction.atomic
def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """Start a new private feed (revoking the current one) and return it with its secret token, shown once."""
    revoked = calendar_feed_revoke(user=user, log=False)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=feed_token_hash(token))
    log_action(
        actor=user,
        action="calendar_feed.regenerated" if revoked else "calendar_feed.created",
        obj=feed,
        subject_user=user,
        data={"before": {"revoked_feed": revoked.pk if revoked else None}, "after": {"feed": feed.pk}},
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, user: User, log: bool = True) -> CalendarFeed | None:
    """Revoke the person's active feed (its URL answers 404 from now on); None if there was none."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
    if feed is None:
        return None
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    if log:
        log_action(
            actor=user,
            action="calendar_feed.revoked",
            obj=feed,
            subject_user=user,
            data={"before": {"revoked_at": None}, "after": {"revoked_at": feed.revoked_at.isoformat()}},
        )
    return feed
