"""Stored cycle statements: what the rules engine said about each cycle, kept in step with every write.

Pages, the API, exports, packets and the reminder sweep read these rows instead of evaluating a person's
whole history again; `certifications.statements.services` writes them, always through the one engine."""

from django.db import models
from django_scopes import ScopedManager

from certifications.rules.engine import PETITION_PENDING


class CycleStatement(models.Model):
    """The engine's result for one cycle: its dates, totals and status, and whether it must be recomputed.

    `stale` is set by any write that may change the result (in the writer's transaction) and cleared by the
    recomputation; a read that finds it set (or no row) recomputes before answering."""

    cycle = models.OneToOneField("certifications.Cycle", on_delete=models.CASCADE, related_name="statement")
    certification = models.ForeignKey(
        "certifications.Certification", on_delete=models.CASCADE, related_name="statements"
    )
    # The engine's cycle (recomputed from the start with the rules in force then), which pages show.
    start = models.DateField()
    end = models.DateField()
    grace_until = models.DateField(null=True, blank=True)
    credential = models.CharField(max_length=20)
    organization = models.CharField(max_length=40)
    unit = models.CharField(max_length=20)
    required = models.DecimalField(max_digits=10, decimal_places=2)
    earned = models.DecimalField(max_digits=10, decimal_places=2)
    cpr_aed_ok = models.BooleanField()
    # As of the day it was computed; reads derive the status for their own day from the dates and totals.
    status = models.CharField(max_length=20)
    # [[ISO date, applied that week], ...] for the dashboard's chart, per week of the cycle (from its start),
    # each dated by its first day with an activity: a hundred or so entries for a two-year cycle, whatever the history.
    weekly = models.JSONField(default=list)
    # The engine's state after the cycle's last activity (`CycleResult.state`, its courses in `StatementCourse`):
    # logging an activity that comes after all the others applies it from here instead of evaluating the
    # history again. Reads never load it.
    engine_state = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()
    stale = models.BooleanField(default=False)

    objects = ScopedManager(organization="certification__credential__organization")

    class Meta:
        indexes = [models.Index(fields=["stale"], name="statement_stale", condition=models.Q(stale=True))]

    def __str__(self):
        return f"statement of cycle {self.cycle_id} ({self.earned}/{self.required})"


class StatementLine(models.Model):
    """One activity that counts toward a cycle (completed inside it) and what it applied there, and why."""

    statement = models.ForeignKey(CycleStatement, on_delete=models.CASCADE, related_name="lines")
    activity = models.ForeignKey("credits.Activity", on_delete=models.CASCADE, related_name="statement_lines")
    completed_on = models.DateField()
    full = models.DecimalField(max_digits=10, decimal_places=2)
    applied = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=30, blank=True)
    detail = models.TextField(blank=True)

    objects = ScopedManager(organization="statement__certification__credential__organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["statement", "activity"], name="one_line_per_activity")]
        # The dashboard asks each card's lines waiting for a petition: a handful among thousands of lines.
        indexes = [
            models.Index(fields=["statement"], condition=models.Q(reason=PETITION_PENDING), name="lines_waiting")
        ]

    def __str__(self):
        return f"activity {self.activity_id}: {self.applied}"


class StatementCourse(models.Model):
    """A course number the cycle has credited, with the day of the activity credited: the part of the engine
    state that grows with the history (a course counts once per cycle), kept as rows so that appending an
    activity reads only its own course."""

    statement = models.ForeignKey(CycleStatement, on_delete=models.CASCADE, related_name="courses")
    course = models.CharField(max_length=40)
    first_day = models.DateField()

    objects = ScopedManager(organization="statement__certification__credential__organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["statement", "course"], name="one_row_per_course")]

    def __str__(self):
        return f"{self.course} credited {self.first_day}"
