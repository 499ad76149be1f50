"""In Chromium: drop three certificates (two PDFs and a photo), watch them being read, confirm the drafts."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from certifications.defaults import load_defaults
from certifications.models import Credential
from credits.models import Activity
from tests.browser.axe import assert_accessible, sign_in
from tests.factories import ApprovedCourseFactory, CertificationFactory, UserFactory
from tests.intake.conftest import ACE_LINES, certificate_pdf, certificate_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_drop_three_certificates_and_confirm_the_drafts(page, live_server, artifacts, tmp_path):
    orgs = {o.short_name: o for o in load_defaults()}
    trainer = UserFactory(email="intake@example.com", name="Tess Trainer")
    CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), certified_on=dt.date(2024, 6, 1)
    )
    ApprovedCourseFactory(organization=orgs["ACE"], course_number="CEP12345", title="Kettlebell Basics",
                          amount=Decimal("0.70"))  # fmt: skip
    sign_in(page, live_server, trainer)
    acsm = ["ACSM approved provider course", "Awarded to: Tess Trainer", "Course title: Program Design Lab",
            "Completed 14 Mar 2026", "6 contact hours", "Presented by: Strong Science Online"]  # fmt: skip
    photo = [line.replace("CEP12345", "CA23456").replace("Kettlebell Basics", "Mobility Flow") for line in ACE_LINES]
    files = {
        "ace.pdf": certificate_pdf(ACE_LINES),
        "acsm.pdf": certificate_pdf(acsm),
        "photo.png": certificate_png(photo),
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))

    page.goto("/activities/")
    page.click("text=Add from certificates")
    page.set_input_files("#id_files", paths)
    assert_accessible(page)
    page.click("button:has-text('Read the certificates')")
    page.wait_for_selector("text=All 3 files read.", timeout=90_000)
    assert page.get_attribute("[role=progressbar]", "aria-valuenow") == "3"
    assert_accessible(page)
    drafts = page.locator("section.draft")
    assert drafts.count() == 3
    first = page.locator("section.draft").nth(0)
    assert first.locator("input[name$='-course_number']").input_value() == "CEP12345"
    assert first.locator("input[name$='-amount']").input_value() == "0.70"
    assert "high confidence" in first.inner_text()
    second = page.locator("section.draft").nth(1)
    assert second.locator("input[name$='-awarding_org']").input_value() == "ACSM"
    assert second.locator("input[name$='-amount']").input_value() == "6.00"
    third = page.locator("section.draft").nth(2)
    assert third.locator("input[name$='-course_number']").input_value() == "CA23456"
    assert "not in ACE's catalog" in third.inner_text()
    page.screenshot(path=str(artifacts / "intake-drafts.png"), full_page=True)
    shutil.copy(artifacts / "intake-drafts.png", DOCS / "intake.png")

    for _ in range(3):
        page.locator("section.draft button:has-text('Confirm this activity')").first.click()
        page.wait_for_selector("text=saved with its certificate.")
    assert page.locator("button:has-text('Confirm this activity')").count() == 0
    assert_accessible(page)
    assert Activity.objects.filter(user=trainer).count() == 3
    assert all(a.evidence.count() == 1 for a in Activity.objects.filter(user=trainer))
    page.goto("/activities/")
    table = page.inner_text("table")
    assert "Kettlebell Basics" in table and "Program Design Lab" in table and "Mobility Flow" in table
