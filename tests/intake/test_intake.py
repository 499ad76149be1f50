"""Certificate intake end to end: files in, drafts out, confirmed into activities with their evidence."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from accounts.models import ActionLog
from cectracker.celery import app
from credits.intake import reader, services
from credits.intake.models import IntakeDraft
from credits.models import Activity, Evidence
from tests.factories import ApprovedCourseFactory
from tests.intake.conftest import ACE_LINES, certificate_pdf, certificate_png, upload


def _start(user, *files, capture):
    with capture(execute=True):
        job = services.intake_start(actor=user, uploads=list(files))
    return list(job.drafts.order_by("position"))


@pytest.fixture
def ace_course(shipped):
    return ApprovedCourseFactory(
        organization=shipped["ACE"], course_number="CEP12345", title="Kettlebell Basics", amount=Decimal("0.70")
    )


def test_a_text_pdf_becomes_a_draft_with_catalog_values_and_sources(
    trainer, ace_course, django_capture_on_commit_callbacks
):
    (draft,) = _start(
        trainer, upload("cert.pdf", certificate_pdf(ACE_LINES)), capture=django_capture_on_commit_callbacks
    )
    draft.refresh_from_db()
    assert draft.state == IntakeDraft.READY and draft.method == "text"
    assert draft.fields["course_number"]["value"] == "CEP12345"
    assert draft.fields["awarding_org"]["value"] == "ACE"
    assert draft.fields["title"]["value"] == "Kettlebell Basics"
    assert draft.fields["amount"]["value"] == "0.70"
    assert draft.fields["completed_on"]["value"] == "2026-03-14"
    assert "03/14/2026" in draft.fields["completed_on"]["source"]
    assert draft.fields["kind"] == "approved_course"
    assert draft.fields["catalog"] == [] and draft.fields["flags"] == []


def test_a_draft_counts_toward_nothing_until_confirmed(trainer, ace_course, django_capture_on_commit_callbacks):
    from certifications.selectors import user_progress
    from tests.factories import CertificationFactory

    CertificationFactory(user=trainer, credential__code="ACE-CPT", certified_on=dt.date(2025, 6, 1))
    (draft,) = _start(
        trainer, upload("cert.pdf", certificate_pdf(ACE_LINES)), capture=django_capture_on_commit_callbacks
    )
    assert not Activity.objects.filter(user=trainer).exists()
    before = [p.result.earned for p in user_progress(user=trainer)]
    draft.refresh_from_db()
    activity = services.intake_confirm(actor=trainer, draft=draft, **services.initial_values(draft))
    after = [p.result.earned for p in user_progress(user=trainer)]
    assert before == [Decimal("0")] and after == [Decimal("0.70")]
    evidence = Evidence.objects.get(activity=activity)
    assert evidence.original_name == "cert.pdf" and evidence.sha256 == draft.sha256
    draft.refresh_from_db()
    assert draft.state == IntakeDraft.CONFIRMED and draft.activity == activity and not draft.file
    assert ActionLog.objects.filter(action="intake.confirmed", subject_user=trainer).exists()
    assert activity.notes == "Provider: Move Well Academy"


def test_the_catalog_fills_title_and_cecs_and_says_where_the_certificate_disagrees(
    trainer, ace_course, django_capture_on_commit_callbacks
):
    lines = [line.replace("Kettlebell Basics", "Kettlebells 101").replace("0.7", "0.5") for line in ACE_LINES]
    (draft,) = _start(trainer, upload("c.pdf", certificate_pdf(lines)), capture=django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.fields["title"]["value"] == "Kettlebell Basics" and draft.fields["amount"]["value"] == "0.70"
    notes = " ".join(draft.fields["catalog"])
    assert "Kettlebells 101" in notes and "0.5 CECs" in notes and "0.70" in notes


def test_an_unknown_ace_number_keeps_the_printed_cecs_and_says_it_is_not_in_the_catalog(
    trainer, shipped, django_capture_on_commit_callbacks
):
    (draft,) = _start(trainer, upload("c.pdf", certificate_pdf(ACE_LINES)), capture=django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.fields["amount"]["value"] == "0.7"
    assert "not in ACE's catalog" in draft.fields["catalog"][0]


def test_acsm_contact_hours_become_acsm_cecs(trainer, shipped, django_capture_on_commit_callbacks):
    lines = [
        "ACSM approved provider course",
        "Course title: Program Design",
        "Completed 14 Mar 2026",
        "6 contact hours",
    ]
    (draft,) = _start(trainer, upload("c.pdf", certificate_pdf(lines)), capture=django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.fields["awarding_org"]["value"] == "ACSM" and draft.fields["kind"] == "approved_course"
    assert draft.fields["amount"]["value"] == "6.00"


def test_the_same_file_twice_and_a_course_already_logged_are_flagged_and_not_duplicated(
    trainer, ace_course, django_capture_on_commit_callbacks
):
    data = certificate_pdf(ACE_LINES)
    first, twin = _start(
        trainer, upload("a.pdf", data), upload("b.pdf", data), capture=django_capture_on_commit_callbacks
    )
    twin.refresh_from_db()
    assert [f["code"] for f in twin.fields["flags"]] == ["duplicate_file"]
    first.refresh_from_db()
    services.intake_confirm(actor=trainer, draft=first, **services.initial_values(first))
    with pytest.raises(Exception) as refused:
        services.intake_confirm(actor=trainer, draft=twin, **services.initial_values(twin))
    assert "already the evidence" in str(refused.value)
    assert Activity.objects.filter(user=trainer).count() == 1
    # Another file of the same course on the same date: the course is flagged.
    (again,) = _start(
        trainer, upload("c.pdf", certificate_pdf([*ACE_LINES, "Thank you"])), capture=django_capture_on_commit_callbacks
    )
    again.refresh_from_db()
    assert "duplicate_course" in [f["code"] for f in again.fields["flags"]]
    with pytest.raises(Exception, match="already logged"):
        services.intake_confirm(actor=trainer, draft=again, **services.initial_values(again))
    assert Activity.objects.filter(user=trainer).count() == 1


def test_a_name_that_is_not_the_accounts_is_pointed_out(trainer, shipped, django_capture_on_commit_callbacks):
    lines = [line.replace("Tess Trainer", "Robin Other") for line in ACE_LINES]
    (draft,) = _start(trainer, upload("c.pdf", certificate_pdf(lines)), capture=django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert [f for f in draft.fields["flags"] if f["code"] == "name_mismatch"][0]["message"].startswith(
        "The certificate is made out to “Robin Other”"
    )
    assert services.names_match("tess  TRAINER", "Tess Trainer") and services.names_match(
        "Tess M. Trainer", "Tess Trainer"
    )


def test_a_photo_is_read_by_ocr(trainer, ace_course, django_capture_on_commit_callbacks):
    (draft,) = _start(trainer, upload("c.png", certificate_png(ACE_LINES)), capture=django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.method == "ocr" and draft.fields["course_number"]["value"] == "CEP12345"
    assert draft.fields["completed_on"]["value"] == "2026-03-14"


def test_without_tesseract_images_get_a_reason_and_text_pdfs_still_work(
    trainer, ace_course, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(reader, "ocr_available", lambda: False)
    photo, pdf = _start(
        trainer,
        upload("c.png", certificate_png(ACE_LINES)),
        upload("c.pdf", certificate_pdf(ACE_LINES)),
        capture=django_capture_on_commit_callbacks,
    )
    photo.refresh_from_db(), pdf.refresh_from_db()
    assert photo.state == IntakeDraft.FAILED and "Image reading is unavailable" in photo.reason
    assert pdf.state == IntakeDraft.READY


def test_a_file_refused_by_the_upload_checks_gets_a_draft_with_its_reason(
    trainer, shipped, django_capture_on_commit_callbacks
):
    (draft,) = _start(trainer, upload("x.pdf", b"<html>not a pdf</html>"), capture=django_capture_on_commit_callbacks)
    assert draft.state == IntakeDraft.FAILED and "PDF, JPEG or PNG" in draft.reason and not draft.file
    assert services.initial_values(draft)["completed_on"] is None


def test_the_limits_pages_pixels_time_and_files(trainer, shipped, monkeypatch, django_capture_on_commit_callbacks):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(21):
        writer.add_blank_page(width=200, height=200)
    import io

    out = io.BytesIO()
    writer.write(out)
    (long,) = _start(trainer, upload("long.pdf", out.getvalue()), capture=django_capture_on_commit_callbacks)
    long.refresh_from_db()
    assert long.state == IntakeDraft.FAILED and "21 pages; at most 20" in long.reason

    with pytest.raises(reader.Unreadable, match="50 megapixels"):
        monkeypatch.setattr(reader, "MAX_PIXELS", 100)
        reader.document_text(certificate_png(["x"]), "image/png")
    monkeypatch.undo()
    with pytest.raises(reader.Unreadable, match="longer than 0 seconds"):
        reader.document_text(certificate_png(ACE_LINES), "image/png", seconds=0.001)
    with pytest.raises(Exception, match="At most 50 files"):
        services.intake_start(actor=trainer, uploads=[upload(f"{i}.pdf", b"x") for i in range(51)])


def test_pages_upload_poll_confirm_and_another_persons_drafts_are_404(
    client, trainer, other_trainer, ace_course, django_capture_on_commit_callbacks
):
    client.force_login(trainer)
    assert "Add from certificates" in client.get(reverse("activity_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake_upload"), {"files": [upload("cert.pdf", certificate_pdf(ACE_LINES))]})
    assert response.status_code == 302
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "All 1 file read" in page and "CEP12345" in page and "high confidence" in page
    draft = IntakeDraft.objects.get(job__user=trainer)
    # What was read for a field is its help text, tied to the input.
    assert f'aria-describedby="id_d{draft.pk}-course_number_helptext"' in page
    assert f'id="id_d{draft.pk}-course_number_helptext">Read with high confidence' in page
    bad = client.post(reverse("intake_draft_confirm", args=[draft.pk]), {f"d{draft.pk}-kind": "approved_course"})
    assert bad.status_code == 400 and "Enter the date you completed it." in bad.content.decode()
    assert 'aria-invalid="true"' in bad.content.decode()
    values = {f"d{draft.pk}-{k}": v for k, v in {"kind": "approved_course", "awarding_org": "ACE",
              "course_number": "CEP12345", "completed_on": "03/14/2026", "amount": "0.7"}.items()}  # fmt: skip
    client.force_login(other_trainer)
    assert client.get(job_url).status_code == 404
    assert client.post(reverse("intake_draft_confirm", args=[draft.pk]), values).status_code == 404
    assert client.post(reverse("intake_draft_discard", args=[draft.pk])).status_code == 404
    client.force_login(trainer)
    assert client.post(reverse("intake_draft_confirm", args=[draft.pk]), values).status_code == 302
    assert Activity.objects.get(user=trainer).evidence.count() == 1


def test_too_many_files_on_the_page_is_a_form_error(client, trainer, shipped, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client.force_login(trainer)
    files = [upload(f"{i}.pdf", b"%PDF-1.4") for i in range(3)]
    response = client.post(reverse("intake_upload"), {"files": files})
    assert response.status_code == 400 and "At most 50 files an upload" in response.content.decode()


def test_discard_drops_the_draft_and_its_file(trainer, shipped, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    (draft,) = _start(trainer, upload("c.pdf", certificate_pdf(ACE_LINES)), capture=django_capture_on_commit_callbacks)
    name = draft.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.intake_discard(actor=trainer, draft=draft)
    assert not default_storage.exists(name)
    draft.refresh_from_db()
    assert draft.state == IntakeDraft.DISCARDED and not Activity.objects.exists()


def test_the_task_acknowledges_late_and_a_read_draft_is_not_read_again(trainer, shipped):
    assert services.intake_read_task.acks_late and services.intake_read_task.reject_on_worker_lost
    assert services.intake_read_task.name == "credits.tasks.intake_read_task"


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_reads_the_certificates(celery_worker_process, shipped, trainer):
    ApprovedCourseFactory(
        organization=shipped["ACE"], course_number="CEP12345", title="Kettlebell Basics", amount=Decimal("0.70")
    )
    worker = celery_worker_process()
    app.conf.task_always_eager = False
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False), transaction.atomic():
            job = services.intake_start(actor=trainer, uploads=[upload("c.pdf", certificate_pdf(ACE_LINES))])
    finally:
        app.conf.task_always_eager = True
    deadline = time.monotonic() + 60
    draft = job.drafts.get()
    while time.monotonic() < deadline:
        draft.refresh_from_db()
        if draft.state in (IntakeDraft.READY, IntakeDraft.FAILED):
            break
        time.sleep(0.3)
    assert draft.state == IntakeDraft.READY, (draft.reason, worker.output()[-3000:])
    assert draft.fields["amount"]["value"] == "0.70"


def test_ocr_misreadings_of_a_known_provider_and_of_the_account_name_are_forgiven(trainer, shipped, provider_a):
    from credits.intake.fields import certificate_fields

    parsed = certificate_fields("Provider: Move VVell Acadeiny\nAwarded to: Tess Traimer", ocr=True)
    fields = services.draft_fields(user=trainer, parsed=parsed, text="")
    assert fields["provider"]["value"] == "Move Well Academy"
    assert fields["flags"] == []


def test_a_scanned_pdf_without_text_is_read_by_ocr(trainer, ace_course, django_capture_on_commit_callbacks):
    import io

    from PIL import Image

    scan = io.BytesIO()
    Image.open(io.BytesIO(certificate_png(ACE_LINES))).convert("RGB").save(scan, "PDF", resolution=200)
    (draft,) = _start(trainer, upload("scan.pdf", scan.getvalue()), capture=django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.method == "ocr" and draft.state == IntakeDraft.READY
    assert draft.fields["course_number"]["value"] == "CEP12345" and draft.fields["amount"]["value"] == "0.70"
