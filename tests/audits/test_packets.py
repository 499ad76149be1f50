"""Audit packets: one click queues a task on commit; the PDF has the cover and every evidence page."""

import datetime as dt
import io
import time

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import ActionLog
from audits.models import AuditPacket
from audits.services import audit_packet_render, audit_packet_request
from bench.audit_packet import seed_audit
from cectracker.celery import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(shipped, trainer, acsm_cpt):
    return seed_audit(user=trainer, credential=acsm_cpt, images=2, pdfs=2)


def test_one_click_queues_the_task_on_commit_and_the_page_offers_the_file(
    client, reviewer_b, audit, django_capture_on_commit_callbacks
):
    client.force_login(reviewer_b)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("org_audit_packet_request", args=["acsm", audit.pk]), HTTP_HX_REQUEST="true")
    packet = AuditPacket.objects.get()
    assert response.status_code == 200 and b"every 2s" in response.content and packet.state == "queued"
    assert len(callbacks) == 1
    assert ActionLog.objects.filter(action="audit.packet_requested", actor=reviewer_b).exists()
    callbacks[0]()  # eager in tests: renders now
    packet.refresh_from_db()
    assert packet.state == "done", packet.error
    status = client.get(reverse("org_audit_packet", args=["acsm", packet.pk]))
    assert b"Download PDF" in status.content and b"every 2s" not in status.content
    download = client.get(reverse("org_audit_packet_download", args=["acsm", packet.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    logged = ActionLog.objects.get(action="audit_packet.downloaded")
    assert logged.object_id == str(packet.pk) and logged.subject_user == packet.audit.user
    pdf = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    # cover (1+ pages) + 2 image pages + PDFs of 1+2 pages (seed: 1 + i % 3 pages for i = 2, 3 → 3 and 1)
    assert len(pdf.pages) == packet.pages >= 1 + 2 + 3 + 1
    text = pdf.pages[0].extract_text()
    assert "Tess Trainer" in text and "ACSM-CPT" in text and "45.00" in text


def test_rendering_twice_does_not_render_again(audit):
    packet = AuditPacket.objects.create(audit=audit)
    done = audit_packet_render(packet_id=packet.pk)
    name = done.file.name
    assert audit_packet_render(packet_id=packet.pk).file.name == name


def test_a_broken_evidence_file_fails_the_packet_with_the_error(audit):
    evidence = audit.user.activities.filter(evidence__content_type="application/pdf").first().evidence.get()
    with evidence.file.open("wb") as fh:
        fh.write(b"not a pdf")
    packet = audit_packet_render(packet_id=AuditPacket.objects.create(audit=audit).pk)
    assert packet.state == "failed" and packet.error


def test_packets_are_only_for_staff_of_that_organization(client, audit, reviewer_a, trainer):
    packet = audit_packet_render(packet_id=AuditPacket.objects.create(audit=audit).pk)
    for user in (reviewer_a, trainer):
        client.force_login(user)
        for slug in ("ace", "acsm"):
            assert client.get(reverse("org_audit_packet_download", args=[slug, packet.pk])).status_code == 404
            assert client.post(reverse("org_audit_packet_request", args=[slug, audit.pk])).status_code == 404


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_renders_the_packet(celery_worker_process, shipped, trainer, acsm_cpt):
    audit = seed_audit(user=trainer, credential=acsm_cpt, images=1, pdfs=1)
    worker = celery_worker_process()
    app.conf.task_always_eager = False
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False), transaction.atomic():
            packet = audit_packet_request(actor=trainer, audit=audit)
    finally:
        app.conf.task_always_eager = True
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        packet.refresh_from_db()
        if packet.state in ("done", "failed"):
            break
        time.sleep(0.3)
    assert packet.state == "done", (packet.error, worker.output()[-3000:])
    assert packet.pages >= 3


def test_the_tasks_acknowledge_late():
    from audits.services import audit_packet_task, audits_sweep_task

    assert audit_packet_task.acks_late and audit_packet_task.reject_on_worker_lost
    assert audits_sweep_task.acks_late


def test_the_cover_gives_every_activity_of_the_cycle_its_applied_amount_and_reason_in_words(audit):
    import datetime as dt
    from decimal import Decimal

    from audits.packet import packet_pdf
    from credits.models import Activity

    start = audit.cycle.start
    Activity.objects.create(
        user=audit.user, kind="workout", title="Spin class", completed_on=start + dt.timedelta(days=40)
    )
    Activity.objects.create(
        user=audit.user,
        kind="teaching",
        title="Taught a workshop",
        amount=Decimal("7"),
        completed_on=start + dt.timedelta(days=41),
    )
    Activity.objects.create(  # before the cycle: not the audit's business
        user=audit.user, kind="workout", title="Old yoga", completed_on=start - dt.timedelta(days=40)
    )
    data, _ = packet_pdf(audit=audit)
    reader = PdfReader(io.BytesIO(data))
    cover = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[:2])
    assert "Not counted" in cover and "Spin class" in cover  # applied 0: listed with why
    assert "Taught a workshop" in cover and "5.00" in cover  # ACSM: 5 a calendar year (RULES §5)
    assert "ineligible_activity" not in cover and "cap_reached" not in cover  # words, not codes
    assert "Old yoga" not in cover


def test_evidence_stored_with_active_content_before_uploads_were_cleaned_is_cleaned_in_the_packet(audit):
    from tests.pdf_samples import TEXT, active_content, active_pdf

    # Written straight to storage, as files uploaded before the cleaning are: nothing has touched them.
    evidence = audit.user.activities.filter(evidence__content_type="application/pdf").first().evidence.get()
    with evidence.file.open("wb") as fh:
        fh.write(active_pdf())
    packet = audit_packet_render(packet_id=AuditPacket.objects.create(audit=audit).pk)
    assert packet.state == "done", packet.error
    with packet.file.open("rb") as fh:
        data = fh.read()
    assert active_content(data) == set()
    reader = PdfReader(io.BytesIO(data))
    assert "/OpenAction" not in reader.trailer["/Root"] and "/Names" not in reader.trailer["/Root"]
    assert any(TEXT in page.extract_text() for page in reader.pages)  # the evidence page is still there


# A whole worker killed mid-render leaves its packet running and its message unacknowledged for the broker's
# visibility timeout: the audit-packets-requeue beat task sends it again once it is past the task time limit.


def _stuck(packet, *, state="running", minutes_ago=None):
    from audits.services import PACKET_STUCK_AFTER

    past = dt.datetime.now(dt.UTC) - (
        PACKET_STUCK_AFTER + dt.timedelta(minutes=1) if minutes_ago is None else dt.timedelta(minutes=minutes_ago)
    )
    AuditPacket.objects.filter(pk=packet.pk).update(state=state, started_at=past, queued_at=past)
    packet.refresh_from_db()
    return packet


def test_a_packet_stuck_running_or_queued_is_sent_again_once(audit, django_capture_on_commit_callbacks):
    from audits.services import audit_packets_requeue

    running = _stuck(AuditPacket.objects.create(audit=audit))
    queued = _stuck(AuditPacket.objects.create(audit=audit), state="queued")
    fresh = _stuck(AuditPacket.objects.create(audit=audit), minutes_ago=2)  # a live worker may be on it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert audit_packets_requeue() == {"requeued": 2, "failed": 0}
        assert audit_packets_requeue() == {"requeued": 0, "failed": 0}  # idempotent: one message each
    assert len(callbacks) == 2
    for packet in (running, queued):
        packet.refresh_from_db()
        assert (packet.state, packet.attempt, packet.started_at) == ("queued", 1, None)
    fresh.refresh_from_db()
    assert (fresh.state, fresh.attempt) == ("running", 0)
    for callback in callbacks:
        callback()  # eager in tests: the new message renders
    assert set(AuditPacket.objects.filter(pk__in=[running.pk, queued.pk]).values_list("state", flat=True)) == {"done"}


def test_the_message_of_an_earlier_attempt_renders_nothing(audit, django_capture_on_commit_callbacks):
    from audits.services import audit_packets_requeue

    packet = _stuck(AuditPacket.objects.create(audit=audit))
    with django_capture_on_commit_callbacks(execute=False):
        audit_packets_requeue()
    # the broker hands the first message out again after its visibility timeout: too late to render
    assert audit_packet_render(packet_id=packet.pk, attempt=0).state == "queued"
    assert audit_packet_render(packet_id=packet.pk, attempt=1).state == "done"


def test_a_packet_whose_worker_dies_every_time_fails_with_a_message(audit, django_capture_on_commit_callbacks):
    from audits.services import PACKET_MAX_ATTEMPTS, audit_packets_requeue

    packet = AuditPacket.objects.create(audit=audit)
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(PACKET_MAX_ATTEMPTS - 1):
            assert audit_packets_requeue(now=_stuck(packet).started_at + dt.timedelta(hours=1))["requeued"] == 1
        assert audit_packets_requeue(now=_stuck(packet).started_at + dt.timedelta(hours=1))["failed"] == 1
    packet.refresh_from_db()
    assert packet.state == "failed" and f"stopped {PACKET_MAX_ATTEMPTS} times" in packet.error


def test_the_visibility_timeout_outlasts_the_longest_job_and_twice_every_retry_delay(settings):
    from celery import current_app

    from audits.services import PACKET_STUCK_AFTER

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT * 2 <= visibility
    # the beat task, not the broker, brings a stuck packet back, and runs several times before the broker would
    assert (
        PACKET_STUCK_AFTER.total_seconds() + 2 * settings.CELERY_BEAT_SCHEDULE["audit-packets-requeue"]["schedule"]
        < visibility
    )
    current_app.loader.import_default_modules()
    for name, task in current_app.tasks.items():
        if not name.startswith("celery.") and getattr(task, "autoretry_for", ()):
            backoff = getattr(task, "retry_backoff", False)
            delay = getattr(task, "retry_backoff_max", 600) if backoff else task.default_retry_delay
            assert delay * 2 <= visibility, name
        assert (task.time_limit or settings.CELERY_TASK_TIME_LIMIT) * 2 <= visibility, name


@pytest.mark.postgres
@pytest.mark.redis
def test_a_packet_whose_whole_worker_was_killed_is_rendered_after_the_beat_task(
    celery_worker_process, shipped, trainer, acsm_cpt
):
    from django.db import connection

    from audits.services import PACKET_STUCK_AFTER

    audit = seed_audit(user=trainer, credential=acsm_cpt, images=1, pdfs=1)
    packet = AuditPacket.objects.create(audit=audit)
    first = celery_worker_process()
    with transaction.atomic():
        # The render reads these after claiming the packet: it waits there, "running", until the kill.
        connection.cursor().execute("LOCK TABLE certifications_cycle, credits_evidence IN ACCESS EXCLUSIVE MODE")
        app.send_task("audits.tasks.audit_packet_task", args=[packet.pk])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and AuditPacket.objects.get(pk=packet.pk).state != "running":
            time.sleep(0.1)
        assert AuditPacket.objects.get(pk=packet.pk).state == "running", first.output()[-3000:]
        first.kill()  # the whole worker, not only a pool child
    second = celery_worker_process()
    time.sleep(2)
    packet.refresh_from_db()
    assert packet.state == "running"  # the broker keeps the message for its visibility timeout
    AuditPacket.objects.filter(pk=packet.pk).update(started_at=packet.started_at - PACKET_STUCK_AFTER)  # time passes
    app.send_task("audits.tasks.audit_packets_requeue_task")  # as beat does every 5 minutes
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and packet.state != "done":
        time.sleep(0.3)
        packet.refresh_from_db()
    assert (packet.state, packet.attempt) == ("done", 1), (packet.error, second.output()[-3000:])
