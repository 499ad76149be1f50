"""Recertification audits (RULES §5): selection tallies, audits with their outcome, PDF packets."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization


class AuditTally(models.Model):
    """Per credential, how many renewals were considered and how many selected (keeps the share on the rate)."""

    credential = models.OneToOneField("certifications.Credential", on_delete=models.CASCADE, related_name="+")
    submissions = models.PositiveIntegerField(default=0)
    selected = models.PositiveIntegerField(default=0)

    objects = ScopedManager(organization="credential__organization")

    def __str__(self):
        return f"{self.credential}: {self.selected}/{self.submissions}"


class Audit(models.Model):
    """One renewal selected for audit: documents due by `due_on`, then an auditor's outcome."""

    OPEN, SUBMITTED, PASSED, INSUFFICIENT, FAILED = "open", "submitted", "passed", "insufficient", "failed"
    STATUS_CHOICES = [
        (OPEN, "Waiting for documents"),
        (SUBMITTED, "Documents submitted"),
        (PASSED, "Passed"),
        (INSUFFICIENT, "Insufficient: more credits due"),
        (FAILED, "Failed"),
    ]
    UNDECIDED = (OPEN, SUBMITTED)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="audits")
    renewal = models.OneToOneField("certifications.Renewal", on_delete=models.CASCADE, related_name="audit")
    cycle = models.ForeignKey("certifications.Cycle", on_delete=models.CASCADE, related_name="audits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audits")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=OPEN, db_index=True)
    selected_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(help_text="Documents for every counted activity are due by this date.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    more_credits_by = models.DateField(null=True, blank=True, help_text="Insufficient: earn the rest by this date.")
    outcome_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"Audit {self.pk} of {self.cycle}"


def packet_path(instance, filename):
    return f"audit-packets/{instance.audit.organization_id}/{uuid.uuid4().hex}.pdf"


class AuditPacket(models.Model):
    """A PDF of an audit (cover page and every evidence file), rendered by a Celery task the page polls."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATE_CHOICES = [(QUEUED, "Queued"), (RUNNING, "Rendering"), (DONE, "Ready"), (FAILED, "Failed")]

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="packets")
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=QUEUED)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=packet_path, max_length=200, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When its task was last sent, and how many times it was sent again after a worker died: only the
    # message of the latest attempt may render it (audits.services.audit_packets_requeue).
    queued_at = models.DateTimeField(default=timezone.now)
    attempt = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="audit__organization")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Packet {self.pk} of audit {self.audit_id} ({self.state})"


class AuditConsideration(models.Model):
    """A renewal that was considered for audit, once (the unique renewal makes `audit_consider` idempotent)."""

    renewal = models.OneToOneField("certifications.Renewal", on_delete=models.CASCADE, related_name="+")
    selected = models.BooleanField()
    considered_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="renewal__cycle__certification__credential__organization")

    def __str__(self):
        return f"Renewal {self.renewal_id}: {'selected' if self.selected else 'not selected'}"
