"""Reads for proof of certification: the link behind a token, a holder's links, the public status."""

from django_scopes import scopes_disabled

from certifications.exports.models import feed_token_hash
from certifications.models import Certification
from certifications.proof.models import ShareLink

# A token as share_link_create writes it (43 URL-safe characters); anything else can't be one.
TOKEN_MAX_LENGTH = 100


def share_link_for_token(*, token: str) -> ShareLink | None:
    """The active share link a token opens (with certification, credential, organization and holder), or None."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    with scopes_disabled():
        return (
            ShareLink.objects.filter(token_hash=feed_token_hash(token), revoked_at__isnull=True)
            .select_related("certification__credential__organization", "certification__user")
            .first()
        )


def share_links_of(*, certification: Certification) -> list[ShareLink]:
    """The certification's share links, newest first, revoked ones included (the holder sees their history)."""
    with scopes_disabled():
        return list(ShareLink.objects.filter(certification=certification))
