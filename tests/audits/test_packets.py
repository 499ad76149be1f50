"""Audit packets: one click queues a task on commit; the PDF has the cover and every evidence page."""

import datetime as dt
import io
import time

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils.formats import date_format
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
    root = reader.trailer["/Root"]
    # Only the packet's own named destinations (the cover's page references): no scripts, no attachments.
    assert "/OpenAction" not in root and set(root.get("/Names", {})) <= {"/Dests"}
    assert any(TEXT in page.extract_text() for page in reader.pages)  # the evidence page is still there


LETTER = [0, 0, 612, 792]


def _drawn(page) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of every image or form the page's own content draws, in points: the
    transformation matrices followed through q/Q/cm, each XObject's unit square (image) or /BBox (form)."""
    import pikepdf

    def times(m, n):
        a, b, c, d, e, f = m
        a2, b2, c2, d2, e2, f2 = n
        return (
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        )

    ctm, stack, boxes = (1, 0, 0, 1, 0, 0), [], []
    for operands, op in pikepdf.parse_content_stream(page):
        if str(op) == "q":
            stack.append(ctm)
        elif str(op) == "Q":
            ctm = stack.pop()
        elif str(op) == "cm":
            ctm = times(tuple(float(x) for x in operands), ctm)
        elif str(op) == "Do":
            xobject = page.resources.XObject[operands[0]]
            m = ctm
            if xobject.Subtype == "/Form":
                m = times(tuple(float(x) for x in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])), ctm)
                x0, y0, x1, y1 = (float(v) for v in xobject.BBox)
            else:
                x0, y0, x1, y1 = 0, 0, 1, 1
            corners = [(x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]) for x in (x0, x1) for y in (y0, y1)]
            xs, ys = [p[0] for p in corners], [p[1] for p in corners]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def test_every_page_is_letter_and_each_evidence_page_is_labelled_and_filled(audit):
    """Cover, 2 images (one a small 300x200 PNG), two A4 PDFs (3 and 1 pages) and a small rotated page."""
    import pikepdf

    from audits.packet import EVIDENCE_BOX, packet_pdf
    from bench.audit_packet import make_image
    from credits.models import Evidence

    png = Evidence.objects.get(activity__user=audit.user, content_type="image/png")
    with png.file.open("wb") as fh:
        fh.write(make_image(1, "PNG", size=(300, 200)))  # was drawn as a 300x200 px thumbnail
    small = pikepdf.new()
    small.add_blank_page(page_size=(300, 200))
    small.pages[0].Contents = small.make_stream(b"BT /F1 12 Tf 20 100 Td (Sideways receipt) Tj ET")
    small.pages[0].Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(Type="/Font", Subtype="/Type1", BaseFont="/Helvetica"))
    )
    small.pages[0].Rotate = 90
    receipt = Evidence.objects.filter(activity__user=audit.user, content_type="application/pdf").last()
    out = io.BytesIO()
    small.save(out)
    with receipt.file.open("wb") as fh:
        fh.write(out.getvalue())

    data, count = packet_pdf(audit=audit)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == count
    for page in reader.pages:  # one size throughout: appended A4 and odd-sized pages were kept as they were
        assert [float(v) for v in page.mediabox] == LETTER
        assert [float(v) for v in page.cropbox] == LETTER
    rows = audit_documentation_rows(audit)
    expected = []  # (activity, file, page, pages) in the order of the activities
    for activity, evidence, pages in rows:
        expected += [(activity, evidence, n, pages) for n in range(1, pages + 1)]
    assert len(expected) == 2 + 3 + 1  # 2 images, the 3-page transcript, the 1-page receipt
    evidence_pages = reader.pages[count - len(expected) :]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        placed = pdf.pages[count - len(expected) :]
        box_width, box_height = EVIDENCE_BOX.width, EVIDENCE_BOX.height
        for page, qpdf_page, (activity, evidence, n, pages) in zip(evidence_pages, placed, expected, strict=True):
            text = " ".join(page.extract_text().split())
            label = f"{activity.title} · completed {date_format(activity.completed_on)} · 1.00 CEC applied"
            assert label in text, text[:300]
            assert evidence.original_name in text
            assert (f"page {n} of {pages}" in text) == (pages > 1)
            # The evidence fills the printable area under the label: full width or full height, inside the box.
            ((left, bottom, right, top),) = [b for b in _drawn(qpdf_page) if b[2] - b[0] > 100]
            assert right - left >= box_width - 1 or top - bottom >= box_height - 1, (left, bottom, right, top)
            assert left >= EVIDENCE_BOX.llx - 1 and right <= EVIDENCE_BOX.urx + 1
            assert bottom >= EVIDENCE_BOX.lly - 1 and top <= EVIDENCE_BOX.ury + 1
    # The PDFs' own text is on their labelled pages; the sideways page stands upright, as tall as the box.
    assert "transcript page 2" in evidence_pages[3].extract_text()
    assert "Sideways receipt" in evidence_pages[5].extract_text()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ((left, bottom, right, top),) = [b for b in _drawn(pdf.pages[-1]) if b[2] - b[0] > 100]
        assert top - bottom >= EVIDENCE_BOX.height - 1 and right - left < EVIDENCE_BOX.width
    # The cover says on which page each file starts.
    cover = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[: count - len(expected)])
    assert f"transcript-2.pdf — Course 2 (3 pages): page {count - len(expected) + 3}" in cover


def audit_documentation_rows(audit):
    """(activity, evidence, page count) of each evidence file of the audit, in the packet's order."""
    import pikepdf

    from audits.selectors import audit_documentation

    out = []
    for row in audit_documentation(audit=audit).rows:
        for evidence in row.evidence:
            pages = 1
            if evidence.content_type == "application/pdf":
                with evidence.file.open("rb") as fh, pikepdf.open(io.BytesIO(fh.read())) as pdf:
                    pages = len(pdf.pages)
            out.append((row.activity, evidence, pages))
    return out


def test_a_phone_photo_stands_upright_and_fills_the_page(audit):
    """A JPEG whose EXIF says "rotate 90°" (as phones write them) is turned before it is placed."""
    import pikepdf
    from PIL import Image

    from audits.packet import EVIDENCE_BOX, packet_pdf
    from credits.models import Evidence

    photo = Image.new("RGB", (400, 200), (240, 240, 230))
    exif = photo.getexif()
    exif[0x0112] = 6  # orientation: the camera was held sideways
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif.tobytes())
    jpeg = Evidence.objects.get(activity__user=audit.user, content_type="image/jpeg")
    with jpeg.file.open("wb") as fh:
        fh.write(out.getvalue())
    data, _ = packet_pdf(audit=audit)
    reader = PdfReader(io.BytesIO(data))
    index = next(i for i, p in enumerate(reader.pages) if "Evidence: certificate-0.jpeg" in p.extract_text())
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ((left, bottom, right, top),) = [b for b in _drawn(pdf.pages[index]) if b[2] - b[0] > 100]
    assert top - bottom > right - left  # upright: taller than wide
    assert top - bottom >= EVIDENCE_BOX.height - 1  # and as tall as the box allows


def test_a_large_photo_is_decoded_at_the_smallest_scale_that_still_fills_the_page(tmp_path, monkeypatch):
    """An 8000 x 6000 JPEG decodes at 1/4 (2000 x 1500, not 4000 x 3000) and is saved at the page's size."""
    from PIL import Image, JpegImagePlugin

    from audits.packet import MAX_IMAGE_SIDE, _downscale

    out = io.BytesIO()
    Image.new("RGB", (8000, 6000), (240, 240, 230)).save(out, "JPEG")
    decoded = []
    real = JpegImagePlugin.JpegImageFile.load

    def load(image):
        decoded.append(image.size)
        return real(image)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", load)
    _downscale(out.getvalue(), tmp_path / "page.jpg")
    assert decoded[0] == (2000, 1500)
    with Image.open(tmp_path / "page.jpg") as page:
        assert page.size == (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE * 3 // 4)


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
