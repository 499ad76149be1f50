"""What a new user and a screen reader found: one date format for people, date pickers that still take typed
US dates, and every error under its own field, marked for assistive technology."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from cectracker.forms import FlexibleDateField
from credits.models import Activity, Evidence, Petition
from tests.certifications.conftest import certify
from tests.credits.conftest import make_pdf_of_size, upload

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
US_NUMERIC = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def visible_text(html: str) -> str:
    """The words a person reads: no tags, no attribute values (a date input's value stays ISO), no scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def client_t(client, trainer):
    client.force_login(trainer)
    return client


def test_people_read_one_date_format_on_the_dashboard_list_and_detail(client_t, trainer, shipped):
    certification = certify(trainer, "ACSM-CPT", start=dt.date(2024, 3, 15), cpr=dt.date(2027, 1, 31))
    pages = [
        reverse("dashboard"),
        reverse("certification_list"),
        reverse("certification_detail", args=[certification.pk]),
    ]
    for url in pages:
        text = visible_text(client_t.get(url).content.decode())
        assert not ISO.findall(text), (url, ISO.findall(text))
        assert not US_NUMERIC.findall(text), (url, US_NUMERIC.findall(text))
    detail = visible_text(client_t.get(pages[2]).content.decode())
    assert "Mar 15, 2024" in detail and "Jan 31, 2027" in detail


def test_date_fields_are_pickers_that_still_take_a_typed_us_date():
    class DateForm(forms.Form):
        certified_on = FlexibleDateField()

    form = DateForm(initial={"certified_on": dt.date(2024, 3, 15)})
    assert re.search(r'type="date"[^>]*value="2024-03-15"', str(form["certified_on"]))  # a picker holds ISO
    field = form.fields["certified_on"]
    assert field.clean("03/15/2024") == dt.date(2024, 3, 15)  # a browser without a picker shows a text box
    assert field.clean("2024-03-15") == dt.date(2024, 3, 15)  # what a picker sends


def test_a_refused_upload_says_why_under_the_file_field(client_t, activity):
    response = client_t.post(
        reverse("evidence_upload", args=[activity.pk]), {"file": upload("cert.pdf", b"MZ\x90\x00" * 50)}
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Evidence.objects.exists()
    assert re.search(r'<input[^>]*name="file"[^>]*aria-invalid="true"', html)
    assert re.search(r'<input[^>]*name="file"[^>]*aria-describedby="[^"]*id_file_error', html)
    error = re.search(r'<ul class="errorlist" id="id_file_error">(.*?)</ul>', html, flags=re.S)
    assert error and "Only PDF, JPEG or PNG files are accepted" in error.group(1)
    assert 'class="alert' not in html.split("<main", 1)[1].split('id="id_file_error"')[0].split("Evidence")[-1]


def test_a_too_big_upload_says_so_under_the_file_field(client_t, activity, settings):
    data = make_pdf_of_size(settings.EVIDENCE_MAX_BYTES + 1)
    response = client_t.post(
        reverse("evidence_upload", args=[activity.pk]), {"file": upload("big.pdf", data, "application/pdf")}
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Evidence.objects.exists()
    error = re.search(r'<ul class="errorlist" id="id_file_error">(.*?)</ul>', html, flags=re.S)
    assert error and "larger than 10 MB" in error.group(1)
    assert "This field is required" not in html


def test_a_refused_petition_keeps_what_was_typed_and_marks_the_field(client_t, trainer, activity, ace, ace_cert):
    response = client_t.post(
        reverse("petition_create", args=[activity.pk]),
        {"organization": ace.pk, "hours": "", "description": "Four hours of kettlebell coaching."},
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Petition.objects.exists()
    assert re.search(r'<input[^>]*name="hours"[^>]*aria-invalid="true"', html)
    assert 'id="id_hours_error"' in html and "Four hours of kettlebell coaching." in html


def test_the_dashboard_says_how_much_waits_on_a_pending_petition(client_t, trainer, activity, ace, ace_cert):
    from credits.services import evidence_attach, petition_submit
    from tests.credits.conftest import make_pdf

    activity.completed_on = ace_cert.cycles.get().start + dt.timedelta(days=30)
    activity.save()
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.pdf", make_pdf()))
    petition_submit(
        actor=trainer, activity=activity, organization=ace, hours=Decimal("4"), description="Kettlebell coaching"
    )
    text = " ".join(visible_text(client_t.get(reverse("dashboard")).content.decode()).split())
    assert "Still missing" in text
    assert "for ACE's decision on a petition" in text


def test_the_amount_field_names_the_unit_and_shows_the_conversion_before_saving(client_t, acsm_cert):
    page = client_t.get(reverse("activity_add") + "?kind=other_org_course").content.decode()
    assert "Amount awarded (that organization&#x27;s unit)" in page and "NASM and NSCA award CEUs" in page
    assert re.search(rf'name="amount"[^>]*hx-get="{reverse("activity_amount_preview")}"', page)
    day = (acsm_cert.cycles.get().start + dt.timedelta(days=40)).isoformat()
    query = {"kind": "other_org_course", "awarding_org": "NASM", "amount": "1.5", "completed_on": day}
    preview = " ".join(visible_text(client_t.get(reverse("activity_amount_preview"), query).content.decode()).split())
    assert "ACSM-CPT: 15.0 CECs" in preview and "1.5 from NASM" in preview
    assert not client_t.get(reverse("activity_amount_preview"), {"kind": "other_org_course"}).content.strip()
    assert Activity.objects.count() == 0  # a preview stores nothing


def test_the_engine_writes_dates_as_the_site_shows_them():
    from django.utils.formats import date_format

    from certifications.rules.dates import people_date

    for day in (dt.date(2026, 3, 4), dt.date(2025, 12, 31), dt.date(2024, 2, 29)):
        assert people_date(day) == date_format(day)
