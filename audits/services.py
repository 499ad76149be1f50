"""Writes for audits: selection at the organization's rate, outcomes, the deadline sweep, PDF packets."""

import random
import secrets
from datetime import date, timedelta
from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from accounts.models import Organization, User
from accounts.notifications.services import notify
from accounts.services import log_action
from audits.models import Audit, AuditConsideration, AuditPacket, AuditTally
from certifications.models import Cycle
from certifications.selectors import params_in_force
from certifications.statements.services import statements_deferred

_rng = secrets.SystemRandom()


def audit_should_select(*, rate: Decimal, submissions: int, selected: int, draw: float) -> bool:
    """Select the next of `submissions` with the probability that keeps the share on `rate`.

    The chance is what is still owed, `rate × (submissions + 1) − selected`, clamped to [0, 1]: which
    submissions are picked is random, yet after n submissions the selected count never strays more
    than one from rate × n, so the share converges on the rate (RULES §5: ten percent, at random)."""
    owed = rate * (submissions + 1) - selected
    return Decimal(repr(draw)) < owed


@transaction.atomic
def audit_consider(*, renewal, rng: random.Random | None = None) -> Audit | None:
    """Called once for every submitted renewal: select it for audit at the organization's rate."""
    with scopes_disabled():
        if AuditConsideration.objects.filter(renewal=renewal).exists():
            return Audit.objects.filter(renewal=renewal).first()
        cycle = renewal.cycle
        certification = cycle.certification
        credential = certification.credential
        organization = credential.organization
        today = timezone.localdate()
        params = params_in_force(organization_id=organization.pk, on=today)
        AuditTally.objects.get_or_create(credential=credential)
        # Per-credential row lock: concurrent renewals of one credential are counted one after the other.
        tally = AuditTally.objects.select_for_update().get(credential=credential)
        if AuditConsideration.objects.filter(renewal=renewal).exists():  # considered while we waited for the lock
            return Audit.objects.filter(renewal=renewal).first()
        selected = params.audit.rate > 0 and audit_should_select(
            rate=params.audit.rate,
            submissions=tally.submissions,
            selected=tally.selected,
            draw=(rng or _rng).random(),
        )
        AuditConsideration.objects.create(renewal=renewal, selected=selected)
        tally.submissions += 1
        tally.selected += int(selected)
        tally.save(update_fields=["submissions", "selected"])
        if not selected:
            return None
        audit = Audit.objects.create(
            organization=organization,
            renewal=renewal,
            cycle=cycle,
            user=certification.user,
            due_on=today + timedelta(days=params.audit.response_days),
        )
    log_action(
        actor=None,
        action="audit.selected",
        obj=audit,
        organization=organization,
        subject_user=audit.user,
        data={"after": {"status": audit.status, "due_on": str(audit.due_on)}},
    )
    notify(
        user=audit.user,
        kind="audit_selected",
        key=f"audit:{audit.pk}:selected",
        context=_audit_context(audit),
    )
    return audit


def _inactivate_current_cycle(*, audit: Audit) -> dict:
    """The certification's current cycle becomes `inactive` (RULES §3); returns before/after for the log."""
    with scopes_disabled():
        current = (
            Cycle.objects.select_for_update().filter(certification_id=audit.cycle.certification_id).order_by("-start")
        ).first()
        before = current.recorded_status
        current.recorded_status, current.recorded_at = Cycle.INACTIVE, timezone.now()
        current.save(update_fields=["recorded_status", "recorded_at"])
    return {"cycle": current.pk, "before": before or None, "after": Cycle.INACTIVE}


def _audit_context(audit: Audit) -> dict:
    return {
        "audit_id": audit.pk,
        "organization": audit.organization.short_name,
        "credential": audit.cycle.certification.credential.code,
        "due_on": str(audit.due_on),
        "url": reverse("audit_detail", args=[audit.pk]),  # the trainer's page: what is missing, upload links
    }


def _locked(audit_id: int, **filters) -> Audit:
    with scopes_disabled():
        return (
            Audit.objects.select_for_update(of=("self",))
            .select_related("organization", "cycle__certification__credential", "user")
            .get(pk=audit_id, **filters)
        )


OUTCOMES = (Audit.PASSED, Audit.INSUFFICIENT, Audit.FAILED)


@transaction.atomic
@statements_deferred()
def audit_decide(
    *,
    actor: User,
    organization: Organization,
    audit_id: int,
    outcome: str,
    note: str = "",
    more_credits_by: date | None = None,
) -> Audit:
    """Record an auditor's outcome: passed, insufficient (with a date to earn more) or failed (→ inactive)."""
    audit = _locked(audit_id, organization=organization)
    if audit.status in (Audit.PASSED, Audit.FAILED):
        raise ValidationError({"outcome": f"This audit was already {audit.get_status_display().lower()}."})
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": "Choose passed, insufficient or failed."})
    if outcome == Audit.INSUFFICIENT:
        if more_credits_by is None or more_credits_by <= timezone.localdate():
            raise ValidationError(
                {"more_credits_by": "Give a future date by which the missing credits must be earned."}
            )
    else:
        more_credits_by = None
    before = {"status": audit.status, "more_credits_by": str(audit.more_credits_by or "") or None}
    audit.status, audit.more_credits_by = outcome, more_credits_by
    audit.outcome_note = (note or "").strip()
    audit.decided_by, audit.decided_at = actor, timezone.now()
    audit.save(update_fields=["status", "more_credits_by", "outcome_note", "decided_by", "decided_at"])
    after = {"status": outcome, "more_credits_by": str(more_credits_by) if more_credits_by else None}
    if outcome == Audit.FAILED:
        after["cycle"] = _inactivate_current_cycle(audit=audit)
    log_action(
        actor=actor,
        action=f"audit.{outcome}",
        obj=audit,
        organization=organization,
        subject_user=audit.user,
        data={"before": before, "after": after, "note": audit.outcome_note},
    )
    return audit


@transaction.atomic
def audit_submit(*, user: User, audit_id: int) -> Audit:
    """The audited person says their documents are complete; the audit waits for the auditor."""
    audit = _locked(audit_id, user=user)
    if audit.status != Audit.OPEN:
        raise ValidationError({"status": "These documents were already sent."})
    if audit.due_on < timezone.localdate():  # the daily sweep may not have failed it yet
        raise ValidationError({"status": f"The deadline ({date_format(audit.due_on)}) has passed."})
    audit.status, audit.submitted_at = Audit.SUBMITTED, timezone.now()
    audit.save(update_fields=["status", "submitted_at"])
    log_action(
        actor=user,
        action="audit.submitted",
        obj=audit,
        organization=audit.organization,
        subject_user=user,
        data={"before": {"status": Audit.OPEN}, "after": {"status": Audit.SUBMITTED}},
    )
    return audit


def audit_sweep(*, today: date) -> dict[str, int]:
    """Daily: remind 7 days before the deadline; fail audits not answered in time (→ inactive).

    Idempotent: only open audits change, and every notification has a stable key."""
    counts = {"due": 0, "failed": 0}
    with scopes_disabled():
        soon = Audit.objects.filter(status=Audit.OPEN, due_on__gte=today, due_on__lte=today + timedelta(days=7))
        for audit in soon.select_related("organization", "user", "cycle__certification__credential"):
            notify(
                user=audit.user,
                kind="audit_due",
                key=f"audit:{audit.pk}:due",
                context=_audit_context(audit),
            )
            counts["due"] += 1
        overdue = list(Audit.objects.filter(status=Audit.OPEN, due_on__lt=today).values_list("pk", flat=True))
    for pk in overdue:
        with transaction.atomic():
            audit = _locked(pk)
            if audit.status != Audit.OPEN:  # answered meanwhile
                continue
            audit.status, audit.decided_at = Audit.FAILED, timezone.now()
            audit.outcome_note = "Documents were not sent in time."
            audit.save(update_fields=["status", "decided_at", "outcome_note"])
            cycle = _inactivate_current_cycle(audit=audit)
            log_action(
                actor=None,
                action="audit.failed",
                obj=audit,
                organization=audit.organization,
                subject_user=audit.user,
                data={"before": {"status": Audit.OPEN}, "after": {"status": Audit.FAILED, "cycle": cycle}},
            )
            notify(
                user=audit.user,
                kind="audit_overdue",
                key=f"audit:{audit.pk}:overdue",
                context=_audit_context(audit),
            )
            counts["failed"] += 1
    return counts


@transaction.atomic
def audit_packet_request(*, actor: User, audit: Audit) -> AuditPacket:
    """Queue a PDF packet of the audit; the task is sent once the transaction commits."""

    packet = AuditPacket.objects.create(audit=audit, requested_by=actor)
    log_action(
        actor=actor,
        action="audit.packet_requested",
        obj=packet,
        organization=audit.organization,
        subject_user=audit.user,
        data={"after": {"packet": packet.pk, "state": packet.state}},
    )
    transaction.on_commit(lambda: audit_packet_task.delay(packet.pk))
    return packet


def audit_packet_render(*, packet_id: int, attempt: int = 0) -> AuditPacket:
    """Render the packet (idempotent: a done packet is left alone; a redelivered running one renders again).

    Only the message of the packet's latest `attempt` renders: one sent before a re-queue does nothing."""
    from django.core.files.base import ContentFile

    from audits.packet import packet_pdf

    with scopes_disabled():
        claimed = AuditPacket.objects.filter(
            pk=packet_id, state__in=[AuditPacket.QUEUED, AuditPacket.RUNNING], attempt=attempt
        ).update(state=AuditPacket.RUNNING, started_at=timezone.now(), error="")
        packet = AuditPacket.objects.select_related("audit").get(pk=packet_id)
        if not claimed:
            return packet
        try:
            data, pages = packet_pdf(audit=packet.audit)
        except Exception as exc:  # recorded for the page; the task does not retry a broken document
            packet.state, packet.error = AuditPacket.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
            packet.finished_at = timezone.now()
            packet.save(update_fields=["state", "error", "finished_at"])
            return packet
        packet.file.save(f"audit-{packet.audit_id}.pdf", ContentFile(data), save=False)
        packet.state, packet.pages, packet.finished_at = AuditPacket.DONE, pages, timezone.now()
        packet.save(update_fields=["file", "state", "pages", "finished_at"])
    return packet


# A packet task never runs longer than the hard time limit: running (or waiting in the queue) well past it,
# its worker died with it (a whole worker killed: the broker would hold the message for its visibility
# timeout). The beat task below sends it again every few minutes, at most PACKET_MAX_ATTEMPTS times.
PACKET_STUCK_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 300)
PACKET_MAX_ATTEMPTS = 3


def audit_packets_requeue(*, now=None) -> dict[str, int]:
    """Send again the packets stuck queued or running past PACKET_STUCK_AFTER; fail those sent too often.

    Idempotent: each packet is claimed by a conditional update on its attempt, so running it twice (or
    two beats at once) sends one message; the message of an earlier attempt then renders nothing."""
    now = now or timezone.now()
    cutoff = now - PACKET_STUCK_AFTER
    counts = {"requeued": 0, "failed": 0}
    with scopes_disabled():
        stuck = AuditPacket.objects.filter(
            Q(state=AuditPacket.RUNNING, started_at__lt=cutoff) | Q(state=AuditPacket.QUEUED, queued_at__lt=cutoff)
        ).values_list("pk", "state", "attempt")
        for pk, state, attempt in list(stuck):
            same = AuditPacket.objects.filter(pk=pk, state=state, attempt=attempt)
            if attempt + 1 >= PACKET_MAX_ATTEMPTS:
                error = f"The worker rendering it stopped {attempt + 1} times; request a new packet."
                counts["failed"] += same.update(state=AuditPacket.FAILED, error=error, finished_at=now)
            elif same.update(state=AuditPacket.QUEUED, attempt=attempt + 1, queued_at=now, started_at=None):
                counts["requeued"] += 1
                transaction.on_commit(lambda pk=pk, attempt=attempt: audit_packet_task.delay(pk, attempt + 1))
    return counts


# Celery tasks: thin, take ids, call the service above. Each keeps the name it was first
# published under, because beat rows and queued messages carry it.


# Retries only for a database that is briefly away; backoff stays far below half the visibility timeout.
_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="audits.tasks.audit_packet_task", acks_late=True, reject_on_worker_lost=True, **_RETRY)
def audit_packet_task(packet_id: int, attempt: int = 0) -> str:
    return audit_packet_render(packet_id=packet_id, attempt=attempt).state


@shared_task(name="audits.tasks.audit_packets_requeue_task", acks_late=True, **_RETRY)
def audit_packets_requeue_task() -> dict:
    return audit_packets_requeue()


@shared_task(name="audits.tasks.audits_sweep_task", acks_late=True, **_RETRY)
def audits_sweep_task() -> dict:
    return audit_sweep(today=timezone.localdate())
