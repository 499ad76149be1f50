"""The notification ledger: one row per thing a person is told, written in the deciding transaction."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    """One notification to one person: shown in-app and/or emailed once.

    The unique key (user, kind, key, due_on) makes deciding idempotent: inserting the same
    notification twice is a no-op. `sent_at` makes sending idempotent."""

    PENDING, SENT, SKIPPED = "pending", "sent", "skipped"
    EMAIL_CHOICES = [(PENDING, "Pending"), (SENT, "Sent"), (SKIPPED, "Not emailed (preferences)")]

    # No index of its own: the (user, -created_at) index and the unique keys begin with the user, and each
    # index is one more write per reminder the sweep records.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200, help_text='What it is about, e.g. "cycle:12" or "petition:3".')
    # The day the notification became due (reminders); null for events, which happen once per key.
    due_on = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    in_app = models.BooleanField(default=True)
    email_status = models.CharField(max_length=10, choices=EMAIL_CHOICES, default=PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key", "due_on"],
                condition=Q(due_on__isnull=False),
                name="one_notification_per_due_date",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "key"], condition=Q(due_on__isnull=True), name="one_notification_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["user"], condition=Q(in_app=True, read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["created_at"], condition=Q(email_status="pending"), name="notification_email_pending"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} {self.due_on or ''} → {self.user}"
