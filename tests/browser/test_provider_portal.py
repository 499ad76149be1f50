"""A provider's staff member signs in, uploads a roster in Chromium, checks the preview, reports it and reads
the receipts; axe finds no serious or critical problem on the pages. Writes docs/provider-roster.png."""

import datetime as dt
import re
from pathlib import Path

import pytest

from certifications.defaults import load_defaults
from certifications.models import Credential
from tests.browser.axe import assert_accessible
from tests.factories import ApprovedCourseFactory, CertificationFactory, ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def studio(tmp_path):
    ace = {o.short_name: o for o in load_defaults()}["ACE"]
    provider = ProviderFactory(organization=ace, name="Move Well Academy")
    staff = UserFactory(email="staff@movewell.test", name="Pat Provider")
    provider.users.add(staff)
    ApprovedCourseFactory(
        organization=ace, provider=provider, course_number="CEP123456", title="Kettlebell foundations", amount="0.80"
    )
    tess = UserFactory(email="tess@example.com", name="Tess Trainer")
    CertificationFactory(
        user=tess,
        credential=Credential.objects.get(code="ACE-CPT"),
        number="ACE-998877",
        certified_on=dt.date(2025, 1, 1),
    )
    roster = tmp_path / "june-workshop.csv"
    roster.write_text(
        "Email,Certification number,Course number,Completed on\n"
        "tess@example.com,,CEP123456,06/14/2025\n"
        ",ACE-445566,CEP123456,06/14/2025\n"
        "sam@example.com,,CEP123456,06/14/2025\n"
        "riley@example.com,,CEP999999,06/14/2025\n"
        "jo@example.com,,CEP123456,2025-06-14\n"
    )
    return {"provider": provider, "staff": staff, "roster": roster}


def test_a_roster_is_uploaded_checked_reported_and_its_receipts_read(page, studio, artifacts):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", studio["staff"].email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/provider/\d+/$"))
    assert page.locator("h1").inner_text() == "Move Well Academy"
    assert_accessible(page)

    page.get_by_role("navigation", name="Move Well Academy portal").get_by_role("link", name="Roster uploads").click()
    page.set_input_files("input[type=file]", str(studio["roster"]))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(re.compile(r"/uploads/\d+/$"))
    summary = page.locator("#preview-summary").inner_text()
    assert "4 new completions" in summary and "1 row with problems" in summary
    assert "CEP999999 is not one of your courses." in page.locator("#problems").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "provider-roster-preview.png"), full_page=True)

    page.get_by_role("button", name="Report 5 rows").click()
    page.wait_for_selector("#receipts")
    summary = page.locator("#receipt-summary").inner_text()
    assert "4 accepted (1 matched to a person, 3 waiting for the holder to claim them" in summary
    rows = page.locator("#receipts tbody tr").all_inner_texts()
    assert len(rows) == 5
    assert "tess@example.com" in rows[0] and "matched" in rows[0]
    assert "ACE-445566" in rows[1] and "pending" in rows[1]
    assert "rejected" in rows[3] and "not one of your courses" in rows[3]
    assert_accessible(page)
    page.screenshot(path=str(DOCS / "provider-roster.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipts (CSV)").click()
    assert download.value.suggested_filename.endswith("-receipts.csv")
    lines = Path(download.value.path()).read_text().splitlines()
    assert len(lines) == 6 and lines[1].startswith("2,tess@example.com")


def test_typing_a_roster_shows_who_before_saving(page, studio):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", studio["staff"].email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/provider/\d+/$"))
    page.get_by_role("link", name="Type a roster for a course").click()
    page.get_by_role("link", name="Type a roster").first.click()
    page.fill("#holder-check", "ace-998877")
    page.wait_for_selector("#holder:has-text('Tess T.')")
    page.fill("input[name=completed_on]", "2025-06-14")
    page.fill("textarea[name=attendees]", "ACE-998877\nACE-000001")
    page.get_by_role("button", name="Check the attendees").click()
    assert "Tess T." in page.locator(".checked-attendees").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Save 2 completions").click()
    assert "2 of 2 reported." in page.locator(".messages").inner_text()


def test_every_portal_page_passes_axe(page, studio, artifacts):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", studio["staff"].email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/provider/\d+/$"))
    nav = page.get_by_role("navigation", name="Move Well Academy portal")
    for name in ("Courses", "Roster uploads", "Reported completions", "API keys", "Action log"):
        nav.get_by_role("link", name=name).click()
        page.wait_for_load_state()
        assert page.locator("h1").count() == 1
        assert_accessible(page)
    nav.get_by_role("link", name="API keys").click()
    page.get_by_role("button", name="Create API key").click()  # an empty name: the error is on the field
    assert page.locator("input[name=name][aria-invalid=true]").count() == 1
    assert_accessible(page)
    page.fill("input[name=name]", "Booking system")
    page.get_by_role("button", name="Create API key").click()
    assert page.locator("#new-key").inner_text().startswith("cect_")
    page.get_by_role("link", name="Revoke Booking system").click()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the key").click()
    assert "revoked" in page.locator("table").inner_text()
    page.screenshot(path=str(artifacts / "provider-keys.png"), full_page=True)
