import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from accounts.models import Organization, Provider
from cectracker.formats import day
from certifications.models import Credential
from certifications.rules.params import ACTIVITY_KINDS


class ApprovedCourse(models.Model):
    """A course in an organization's approved catalog; `course_number` is stored upper-case, trimmed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="courses")
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses")
    course_number = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=8, decimal_places=2, help_text="In the organization's unit.")
    is_retired = models.BooleanField(default=False)
    # One number for a whole multi-session event; completions carry each attendee's cumulative amount.
    multi_session = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["organization", "course_number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "course_number"], name="unique_course_number_per_org")
        ]

    def __str__(self):
        return f"{self.course_number} {self.title}"


class Activity(models.Model):
    """One thing a person did, recorded once; it may count toward several certifications."""

    KIND_CHOICES = [(k, label[:1].upper() + label[1:]) for k, label in ACTIVITY_KINDS.items()]
    MANUAL, PROVIDER = "manual", "provider"
    SOURCE_CHOICES = [(MANUAL, "Entered by the person"), (PROVIDER, "Reported by a provider")]
    TERM_CHOICES = [("semester", "Semester"), ("quarter", "Quarter")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    title = models.CharField(max_length=300, blank=True)
    completed_on = models.DateField()
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    course_number = models.CharField(max_length=20, blank=True)
    awarding_org = models.CharField(max_length=50, blank=True)
    credit_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    term = models.CharField(max_length=10, choices=TERM_CHOICES, blank=True)
    grade = models.CharField(max_length=5, blank=True)
    new_credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="new_certification"
    )
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=SOURCE_CHOICES, default=MANUAL)
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    voided_at = models.DateTimeField(null=True, blank=True, help_text="Voided by the provider that reported it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["user", "completed_on"])]
        verbose_name_plural = "activities"

    def __str__(self):
        from credits.kinds import short_label  # kinds imports the engine's labels, not the models

        return self.title or f"{short_label(self.kind)} on {day(self.completed_on)}"


def evidence_path(instance, filename):
    """Server-generated name; the person's filename is kept only as data."""
    return f"evidence/{instance.activity.user_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A certificate or transcript attached to an activity (PDF, JPEG or PNG, checked by content)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.original_name


class Petition(models.Model):
    """A request that an organization credit an activity it has not approved."""

    PENDING, APPROVED, DENIED = "pending", "approved", "denied"
    STATUS_CHOICES = [(PENDING, "Pending"), (APPROVED, "Approved"), (DENIED, "Denied")]

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="petitions")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="petitions")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    hours = models.DecimalField(max_digits=8, decimal_places=2, help_text="Hours of structured learning.")
    description = models.TextField(help_text="What the course covered and who gave it.")
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True, help_text="Approved amount.")
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "activity"], name="one_petition_per_org_and_activity")
        ]

    def __str__(self):
        return f"Petition {self.pk} ({self.status})"


from credits.intake.models import IntakeDraft, IntakeJob  # noqa: E402, F401
from credits.providers.models import IdempotencyKey, ProviderCompletion, RosterUpload  # noqa: E402, F401
