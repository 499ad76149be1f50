"""What providers report through the API: completions (matched or pending claims) and idempotency keys."""

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

MAX_COMPLETIONS = 10_000  # records in one report, API request or roster file


class ProviderCompletion(models.Model):
    """One attendee's completion of a provider's course, as reported.

    Matched to a person, it carries the activity it created; unmatched, it is a pending claim that
    attaches when someone verifies `attendee_email` or adds `certification_number`."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey("credits.ApprovedCourse", on_delete=models.PROTECT, related_name="completions")
    record_id = models.CharField(max_length=100, blank=True, help_text="The provider's own id for the record.")
    attendee_email = models.EmailField(blank=True, help_text="Lower case.")
    certification_number = models.CharField(max_length=50, blank=True, help_text="Trimmed, upper case.")
    # The natural key's attendee part: the email when given, else "#" + the certification number.
    attendee_key = models.CharField(max_length=260)
    completed_on = models.DateField()
    amount = models.DecimalField(max_digits=8, decimal_places=2, help_text="In the organization's unit.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activity = models.OneToOneField(
        "credits.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="provider_completion"
    )
    request_id = models.UUIDField(db_index=True, help_text="The API request that reported it.")
    created_at = models.DateTimeField(auto_now_add=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="provider__organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Replays (with or without an Idempotency-Key) cannot create a second copy; a voided completion
            # no longer blocks its corrected report.
            models.UniqueConstraint(
                fields=["provider", "course", "attendee_key", "completed_on"],
                condition=models.Q(voided_at__isnull=True),
                name="one_completion_per_attendee_day",
            ),
            # Once matched, the person is the natural key: the same course and date reported by email and
            # again by certification number is one completion (services merge them; this is the backstop).
            models.UniqueConstraint(
                fields=["provider", "course", "user", "completed_on"],
                condition=models.Q(user__isnull=False, voided_at__isnull=True),
                name="one_completion_per_person_day",
            ),
            models.UniqueConstraint(
                fields=["provider", "record_id"],
                condition=~models.Q(record_id="") & models.Q(voided_at__isnull=True),
                name="unique_provider_record_id",
            ),
        ]
        indexes = [
            models.Index(fields=["attendee_email"], condition=models.Q(user__isnull=True), name="pending_by_email"),
            models.Index(
                fields=["certification_number"], condition=models.Q(user__isnull=True), name="pending_by_cert_number"
            ),
        ]

    def __str__(self):
        return f"{self.course.course_number} · {self.attendee_key} · {self.completed_on}"

    @property
    def is_pending(self) -> bool:
        return self.user_id is None


class IdempotencyKey(models.Model):
    """The first answer to a provider's POST with an Idempotency-Key, kept at least 24 hours."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Null while running.")
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(organization="provider__organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "key"], name="one_idempotency_key_per_provider")]

    def __str__(self):
        return f"{self.provider_id}:{self.key}"


def roster_path(instance, filename):
    """Server-generated name; the provider's filename is kept only as data."""
    return f"rosters/{instance.provider_id}/{uuid.uuid4().hex}"


class RosterUpload(models.Model):
    """A roster file a provider's staff uploaded in the portal: checked, previewed, then reported through
    the same service as the API; it keeps the file's receipts."""

    PREVIEW, QUEUED, RUNNING, DONE, FAILED = "preview", "queued", "running", "done", "failed"
    STATE_CHOICES = [
        (PREVIEW, "Waiting for you to check and submit"),
        (QUEUED, "Queued"),
        (RUNNING, "Reporting"),
        (DONE, "Reported"),
        (FAILED, "Failed"),
    ]
    CSV, XLSX = "csv", "xlsx"
    KIND_CHOICES = [(CSV, "CSV"), (XLSX, "Excel workbook (.xlsx)")]

    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="roster_uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=roster_path, max_length=200)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=4, choices=KIND_CHOICES)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    rows = models.PositiveIntegerField(help_text="Data rows below the header.")
    headers = models.JSONField(default=list, blank=True, help_text="The header row's cells.")
    # {"<service field>": <column index>}: how the file's columns map to the completion fields.
    mapping = models.JSONField(default=dict, blank=True)
    # The course of rows whose course-number cell is empty (a roster of one course).
    default_course = models.ForeignKey(
        "credits.ApprovedCourse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=PREVIEW)
    request_id = models.UUIDField(default=uuid.uuid4, editable=False, help_text="The report's request id.")
    summary = models.JSONField(default=dict, blank=True)
    receipts = models.JSONField(default=list, blank=True, help_text="One receipt per data row, in file order.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="provider__organization")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%Y-%m-%d})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.QUEUED, self.RUNNING)
