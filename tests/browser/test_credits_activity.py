"""In Chromium: log an ACE course by typing its number (htmx fills it), attach evidence, see what it counts for."""

import datetime as dt
from decimal import Decimal

import pytest

from certifications.defaults import load_defaults
from certifications.models import Credential
from tests.browser.axe import sign_in
from tests.credits.conftest import make_pdf
from tests.factories import ApprovedCourseFactory, CertificationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_an_ace_course_by_number_and_attach_evidence(page, live_server, artifacts, tmp_path):
    orgs = {o.short_name: o for o in load_defaults()}
    trainer = UserFactory(email="browser@example.com")
    CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), certified_on=dt.date(2024, 6, 1)
    )
    ApprovedCourseFactory(
        organization=orgs["ACE"], course_number="CA23456", title="Kettlebell Foundations", amount=Decimal("0.7")
    )
    sign_in(page, live_server, trainer)

    page.goto("/activities/add/")
    page.select_option("#id_kind_choice", "approved_course")
    page.wait_for_selector("#id_course_number")
    page.select_option("#id_awarding_org", "ACE")
    page.type("#id_course_number", "CA2345")
    page.wait_for_selector('[data-status="malformed"]')
    assert "is not an ACE course number" in page.inner_text("#course-lookup")
    page.type("#id_course_number", "6")
    page.wait_for_selector('[data-status="ok"]')
    assert page.input_value("#id_title") == "Kettlebell Foundations"
    assert page.input_value("#id_amount") == "0.70"
    page.fill("#id_completed_on", "2025-05-01")
    page.screenshot(path=str(artifacts / "activity-add.png"), full_page=True)
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Activity saved.")
    counts = page.inner_text(".applications")
    assert "ACE-CPT" in counts and "0.70" in counts and "ACSM-CPT" in counts and "7.00" in counts

    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(make_pdf())
    page.set_input_files("#id_file", str(pdf))
    page.click("button:has-text('Attach')")
    page.wait_for_selector("text=File attached.")
    retention = page.inner_text(".retention")
    assert "ACE requires keeping it 4 years after completion: until May 1, 2029." in retention
    assert "ACSM requires keeping it 1 year after the renewal" in retention
    page.screenshot(path=str(artifacts / "activity-detail.png"), full_page=True)
    page.goto("/activities/")
    assert "Kettlebell Foundations" in page.inner_text("table")
    page.screenshot(path=str(artifacts / "activity-list.png"), full_page=True)
