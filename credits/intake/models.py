"""Certificate intake: an upload of files (a job) and one draft per file, read in the background.

A draft is not an Activity: the rules engine reads activities only, so a draft counts toward nothing until
the person confirms it and it becomes one (with its file as the activity's evidence)."""

import uuid

from django.conf import settings
from django.db import models


class IntakeJob(models.Model):
    """One upload of certificates by a person; its progress is its drafts' states."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_jobs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Certificate upload {self.pk}"


def draft_path(instance, filename):
    """Server-generated name; the person's filename is kept only as data."""
    return f"intake/{instance.job.user_id}/{uuid.uuid4().hex}"


class IntakeDraft(models.Model):
    """One uploaded certificate, the fields read from it, and what became of it."""

    QUEUED, READING, READY, FAILED, CONFIRMED, DISCARDED = (
        "queued",
        "reading",
        "ready",
        "failed",
        "confirmed",
        "discarded",
    )
    STATE_CHOICES = [
        (QUEUED, "Waiting"),
        (READING, "Reading"),
        (READY, "Read"),
        (FAILED, "Could not be read"),
        (CONFIRMED, "Confirmed"),
        (DISCARDED, "Discarded"),
    ]
    OPEN = (QUEUED, READING, READY, FAILED)

    job = models.ForeignKey(IntakeJob, on_delete=models.CASCADE, related_name="drafts")
    position = models.PositiveSmallIntegerField()
    original_name = models.CharField(max_length=255)
    file = models.FileField(upload_to=draft_path, max_length=200, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=QUEUED)
    reason = models.TextField(blank=True, help_text="Why nothing (or not everything) could be read.")
    method = models.CharField(max_length=10, blank=True, help_text="text (a PDF's text layer) or ocr.")
    text = models.TextField(blank=True, help_text="The text read from the file (at most 20,000 characters).")
    # Per field: {"value", "confidence", "source"}; plus "catalog" notes and "kind".
    fields = models.JSONField(default=dict, blank=True)
    read_seconds = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    activity = models.ForeignKey(
        "credits.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="intake_drafts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="one_draft_per_job_position")]

    def __str__(self):
        return f"{self.original_name} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in (self.READY, self.FAILED)

    @property
    def is_pending(self) -> bool:
        return self.state in (self.QUEUED, self.READING)
