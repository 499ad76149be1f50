"""A roster file through preview and submit: the same report service as the API (receipts, pending claims,
duplicates), nothing stored before submit, nothing twice, receipts kept and downloadable; a real worker."""

import csv
import datetime as dt
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from accounts.models import ActionLog
from certifications.models import Credential
from credits.models import Activity, ProviderCompletion
from credits.providers.models import RosterUpload
from tests.factories import CertificationFactory
from tests.provider.conftest import portal_url, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Email", "Certification number", "Course number", "Completed on", "Amount", "Your record id"]


def big_roster(trainer_email: str, n: int = 10_000) -> bytes:
    """n rows: the trainer (matched), a certification number nobody holds yet (pending), two bad rows, and
    the rest unknown emails (pending); dates as Excel dates and as typed text."""
    rows = [HEADER, [trainer_email, "", "CEP123456", dt.datetime(2025, 6, 1), 0.8, "r-0"]]
    rows.append(["", "ACE-424242", "CEP123456", "06/02/2025", "", "r-1"])
    rows.append(["bad-row@example.com", "", "CEP999999", "2025-06-01", "", "r-2"])  # not one of the courses
    rows.append(["late@example.com", "", "CEP123456", "someday", "", "r-3"])  # not a date
    rows += [[f"att{i}@example.com", "", "CEP123456", dt.datetime(2025, 6, 3), None, f"r-{i}"] for i in range(4, n)]
    return xlsx_bytes(rows)


def upload(client, provider, name, data):
    return client.post(portal_url("provider_uploads", provider), {"file": SimpleUploadedFile(name, data)})


def submit(client, provider, upload_row, capture):
    with capture(execute=True):
        response = client.post(portal_url("provider_upload_submit", provider, upload_id=upload_row.pk))
    assert response.status_code == 302
    upload_row.refresh_from_db()
    return upload_row


def test_a_10000_row_xlsx_through_preview_and_submit_then_again_adds_nothing(
    portal_a, provider_a, course_a, trainer, staff_a, django_capture_on_commit_callbacks
):
    CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    data = big_roster(trainer.email)

    response = upload(portal_a, provider_a, "june.xlsx", data)
    assert response.status_code == 302
    row = RosterUpload.objects.get()
    assert (row.kind, row.rows, row.state, row.uploaded_by) == ("xlsx", 10_000, "preview", staff_a)
    assert row.mapping == {
        f: i
        for i, f in enumerate(
            ["attendee_email", "certification_number", "course_number", "completed_on", "amount", "record_id"]
        )
    }

    preview = portal_a.get(response["Location"])
    assert preview.status_code == 200
    p = preview.context["preview"]
    assert (p["rows"], p["new"], p["duplicates"], p["problem_count"]) == (10_000, 9_998, 0, 2)
    assert [(x["row"], x["column"]) for x in p["problems"]] == [(4, "Course number"), (5, "Completed on")]
    assert "CEP999999 is not one of your courses." in preview.content.decode()
    assert ProviderCompletion.objects.count() == 0 and Activity.objects.count() == 0  # nothing before submit

    row = submit(portal_a, provider_a, row, django_capture_on_commit_callbacks)
    assert row.state == "done", row.error
    assert row.summary == {
        "received": 10_000,
        "accepted": 9_998,
        "matched": 1,
        "pending": 9_997,
        "duplicates": 0,
        "rejected": 2,
    }
    assert ProviderCompletion.objects.filter(provider=provider_a).count() == 9_998
    activity = Activity.objects.get(user=trainer)
    assert activity.course_number == "CEP123456" and activity.source == Activity.PROVIDER
    assert [r["row"] for r in row.receipts[:4]] == [2, 3, 4, 5]
    first, pending, bad_course, bad_date = row.receipts[:4]
    assert first["match"] == "matched" and first["activity_id"] == activity.pk
    assert pending["match"] == "pending" and pending["certification_number"] == "ACE-424242"
    assert bad_course["status"] == "rejected" and bad_course["field"] == "course_number"
    assert bad_date["status"] == "rejected" and bad_date["field"] == "completed_on"
    assert ActionLog.objects.filter(action="provider.completions_received", actor=staff_a).count() == 10  # chunks
    assert ActionLog.objects.filter(action="provider.roster_reported", actor=staff_a).count() == 1

    page = portal_a.get(portal_url("provider_upload", provider_a, upload_id=row.pk))
    assert "9998 accepted" in page.content.decode().replace(",", "")
    rejected = portal_a.get(portal_url("provider_upload", provider_a, upload_id=row.pk), {"show": "rejected"})
    assert [r["row"] for r in rejected.context["page"].object_list] == [4, 5]

    download = portal_a.get(portal_url("provider_upload_receipts", provider_a, upload_id=row.pk))
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(lines) == 10_001 and lines[0][0] == "Row"
    assert lines[1][:4] == ["2", trainer.email, "", "CEP123456"] and "matched" in lines[1]

    # The same file again: the preview says so, and submitting adds nothing.
    again = upload(portal_a, provider_a, "june (copy).xlsx", data)
    second = RosterUpload.objects.exclude(pk=row.pk).get()
    preview = portal_a.get(again["Location"])
    assert preview.context["earlier"] == row
    assert (preview.context["preview"]["new"], preview.context["preview"]["duplicates"]) == (0, 9_998)
    second = submit(portal_a, provider_a, second, django_capture_on_commit_callbacks)
    assert second.summary["duplicates"] == 9_998 and second.summary["matched"] == second.summary["pending"] == 0
    assert ProviderCompletion.objects.count() == 9_998 and Activity.objects.count() == 1
    assert second.receipts[0]["completion_id"] == first["completion_id"]


def test_a_file_that_overlaps_an_earlier_one_adds_only_the_new_rows(
    portal_a, provider_a, course_a, django_capture_on_commit_callbacks
):
    first = "Email,Course number,Completed on\n" + "".join(f"p{i}@example.com,CEP123456,2025-06-01\n" for i in range(5))
    second = "Email,Course number,Completed on\n" + "".join(
        f"p{i}@example.com,CEP123456,2025-06-01\n" for i in range(3, 8)
    )
    for name, body in (("a.csv", first), ("b.csv", second)):
        upload(portal_a, provider_a, name, body.encode())
        submit(portal_a, provider_a, RosterUpload.objects.get(original_name=name), django_capture_on_commit_callbacks)
    b = RosterUpload.objects.get(original_name="b.csv")
    assert (b.summary["accepted"], b.summary["duplicates"], b.summary["pending"]) == (5, 2, 3)
    assert ProviderCompletion.objects.count() == 8


def test_a_second_click_on_submit_reports_once(portal_a, provider_a, course_a, django_capture_on_commit_callbacks):
    upload(portal_a, provider_a, "a.csv", b"Email,Course number,Completed on\nx@example.com,CEP123456,2025-06-01\n")
    row = RosterUpload.objects.get()
    submit(portal_a, provider_a, row, django_capture_on_commit_callbacks)
    submit(portal_a, provider_a, row, django_capture_on_commit_callbacks)
    assert ActionLog.objects.filter(action="provider.roster_submitted").count() == 1
    assert ActionLog.objects.filter(action="provider.completions_received").count() == 1


def test_columns_are_mapped_in_the_preview_with_a_course_for_every_row(
    portal_a, provider_a, course_a, django_capture_on_commit_callbacks
):
    body = b"Name,Mail,When\nTess,tess@example.com,03/14/2025\n"
    response = upload(portal_a, provider_a, "r.csv", body)
    row = RosterUpload.objects.get()
    preview = portal_a.get(response["Location"])
    assert "Choose the column with course numbers" in preview.content.decode()
    early = portal_a.post(portal_url("provider_upload_submit", provider_a, upload_id=row.pk), follow=True)
    assert "Choose the columns first" in early.content.decode()  # a submit before the columns fit: nothing queued
    row.refresh_from_db()
    assert row.state == "preview" and ProviderCompletion.objects.count() == 0
    bad = portal_a.post(response["Location"], {"attendee_email": "1", "completed_on": "1"})
    assert bad.status_code == 400 and "chosen for two fields" in bad.context["form"].errors["attendee_email"][0]
    portal_a.post(response["Location"], {"attendee_email": "1", "completed_on": "2", "default_course": course_a.pk})
    row.refresh_from_db()
    assert row.mapping == {"attendee_email": 1, "completed_on": 2} and row.default_course == course_a
    preview = portal_a.get(response["Location"])
    assert preview.context["preview"]["new"] == 1
    row = submit(portal_a, provider_a, row, django_capture_on_commit_callbacks)
    completion = ProviderCompletion.objects.get()
    assert (completion.attendee_email, completion.completed_on, completion.course) == (
        "tess@example.com",
        dt.date(2025, 3, 14),
        course_a,
    )
    assert ActionLog.objects.filter(action="provider.roster_mapped").count() == 1


def test_a_run_that_fails_stores_nothing_and_can_be_submitted_again(
    portal_a, provider_a, course_a, django_capture_on_commit_callbacks, monkeypatch
):
    from credits.providers import services

    body = "Email,Course number,Completed on\n" + "".join(
        f"p{i}@example.com,CEP123456,2025-06-01\n" for i in range(2500)
    )
    upload(portal_a, provider_a, "a.csv", body.encode())
    row = RosterUpload.objects.get()
    real = services.completions_report
    calls = []

    def fail_on_the_third_chunk(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "completions_report", fail_on_the_third_chunk)
    row = submit(portal_a, provider_a, row, django_capture_on_commit_callbacks)
    assert row.state == "failed" and "nothing of it was stored" in row.error
    assert ProviderCompletion.objects.count() == 0  # the first two chunks were rolled back with the third
    monkeypatch.setattr(services, "completions_report", real)
    row = submit(portal_a, provider_a, row, django_capture_on_commit_callbacks)
    assert row.state == "done" and row.summary["pending"] == 2500 and row.summary["duplicates"] == 0


def test_the_progress_bar_polls_while_running_and_sends_to_the_receipts_when_done(portal_a, provider_a, course_a):
    from django.core.cache import cache

    from credits.providers.services import roster_progress_key

    upload(portal_a, provider_a, "a.csv", b"Email,Course number,Completed on\nx@example.com,CEP123456,2025-06-01\n")
    row = RosterUpload.objects.get()
    RosterUpload.objects.filter(pk=row.pk).update(state="running", rows=4000)
    cache.set(roster_progress_key(row.pk), 1000)
    page = portal_a.get(portal_url("provider_upload", provider_a, upload_id=row.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="1000"' in page and "width: 25%" in page
    RosterUpload.objects.filter(pk=row.pk).update(state="done")
    poll = portal_a.get(portal_url("provider_upload_progress", provider_a, upload_id=row.pk))
    assert poll.status_code == 204 and poll["HX-Redirect"] == portal_url(
        "provider_upload", provider_a, upload_id=row.pk
    )


def test_the_task_reports_a_roster_once_even_if_delivered_twice(portal_a, provider_a, course_a):
    from credits.providers.services import roster_upload_process_task

    upload(portal_a, provider_a, "a.csv", b"Email,Course number,Completed on\nx@example.com,CEP123456,2025-06-01\n")
    row = RosterUpload.objects.get()
    RosterUpload.objects.filter(pk=row.pk).update(state="queued")
    assert roster_upload_process_task(upload_id=row.pk) == "done"
    assert roster_upload_process_task(upload_id=row.pk) == "done"
    assert ActionLog.objects.filter(action="provider.roster_reported").count() == 1
    assert roster_upload_process_task.acks_late and roster_upload_process_task.reject_on_worker_lost


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_reports_the_roster(celery_worker_process, portal_a, provider_a, course_a, trainer):
    from cectracker.celery import app
    from credits.providers.services import roster_upload_submit

    body = "Email,Course number,Completed on\n" + "".join(
        f"p{i}@example.com,CEP123456,2025-06-01\n" for i in range(1500)
    )
    upload(portal_a, provider_a, "a.csv", body.encode())
    row = RosterUpload.objects.get()
    worker = celery_worker_process()
    app.conf.task_always_eager = False
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False), transaction.atomic():
            roster_upload_submit(actor=row.uploaded_by, upload=row)
    finally:
        app.conf.task_always_eager = True
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.state in ("done", "failed"):
            break
        time.sleep(0.3)
    assert row.state == "done", (row.error, worker.output()[-3000:])
    assert row.summary["pending"] == 1500 and ProviderCompletion.objects.count() == 1500


def test_a_person_in_several_parts_of_a_file_is_told_once_with_everything(
    portal_a, provider_a, course_a, trainer, monkeypatch, django_capture_on_commit_callbacks
):
    from accounts.notifications.models import Notification
    from credits.providers import services

    monkeypatch.setattr(services, "ROSTER_CHUNK", 1)  # every row is its own part
    body = (
        f"Email,Course number,Completed on\n{trainer.email},CEP123456,2025-06-01\nx@example.com,CEP123456,2025-06-01\n"
    )
    body += f"{trainer.email},CEP123456,2025-06-02\n"
    upload(portal_a, provider_a, "a.csv", body.encode())
    row = submit(portal_a, provider_a, RosterUpload.objects.get(), django_capture_on_commit_callbacks)
    assert row.summary["matched"] == 2
    [notification] = Notification.objects.filter(user=trainer, kind="completion_added")
    assert notification.context["count"] == 2
