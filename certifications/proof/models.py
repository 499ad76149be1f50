"""Proof of certification: share links people open, and the Open Badges credentials machines check."""

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from accounts.models import Organization


class ShareLink(models.Model):
    """A public link to one certification's live status (`/verify/<token>`); only the token's hash is kept."""

    certification = models.ForeignKey(
        "certifications.Certification", on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=80, blank=True, help_text="Who the link is for, for the holder's eyes only.")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="certification__credential__organization")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Share link {self.pk} of {self.certification_id} ({'revoked' if self.revoked_at else 'active'})"


class IssuedCredential(models.Model):
    """An Open Badges credential issued for one cycle of a certification, with its place in the status lists.

    The row outlives the certification (SET_NULL) so a removed certification's credential stays revoked."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    certification = models.ForeignKey(
        "certifications.Certification", null=True, on_delete=models.SET_NULL, related_name="issued_credentials"
    )
    cycle = models.ForeignKey("certifications.Cycle", null=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the credential's urn:uuid id
    status_index = models.PositiveIntegerField(unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"], condition=models.Q(revoked_at__isnull=True), name="one_live_credential_per_cycle"
            )
        ]

    def __str__(self):
        return f"Credential {self.pk} (status index {self.status_index})"
