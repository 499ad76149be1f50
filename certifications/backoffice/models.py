"""Emeritus applications (RULES §5: ACSM, age 65+, 10+ years continuously certified, retired)."""

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class EmeritusApplication(models.Model):
    """A holder asks for emeritus status; organization staff approve or deny it."""

    PENDING, APPROVED, DENIED = "pending", "approved", "denied"
    STATUS_CHOICES = [(PENDING, "Pending"), (APPROVED, "Approved"), (DENIED, "Denied")]

    certification = models.ForeignKey(
        "certifications.Certification", on_delete=models.CASCADE, related_name="emeritus_applications"
    )
    retired_attested = models.BooleanField(help_text="The holder attests they have retired from the profession.")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    # What the eligibility check found when the application was made (shown to staff).
    eligibility = models.JSONField(default=dict, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="certification__credential__organization")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification"], condition=models.Q(status="pending"), name="one_pending_emeritus_application"
            )
        ]

    def __str__(self):
        return f"Emeritus application {self.pk} ({self.status})"
