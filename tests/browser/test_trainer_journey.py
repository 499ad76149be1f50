"""The whole first week of a trainer, in Chromium: sign up, verify the email, add an ACE and an ACSM
certification, log an ACE course by its number, attach the certificate, and watch both bars move."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from certifications.defaults import load_defaults
from tests.factories import ApprovedCourseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def picker(day: dt.date) -> str:
    """What a date input holds: the picker's value is ISO whatever the page shows."""
    return day.isoformat()


def bar_width(page, code: str) -> float:
    return page.locator(f"section.dash-card[data-credential='{code}'] .progress > span").bounding_box()["width"]


def add_certification(page, organization: str, credential: str, number: str, certified_on: dt.date, cpr=None):
    page.goto("/certifications/add/")
    page.select_option("#id_organization", label=organization)
    prefix = credential.split("-")[0] + "-"
    # htmx swaps in the organization's credentials only.
    page.wait_for_function(
        "p => [...document.querySelectorAll('#id_credential option')].every(o => !o.value || o.text.startsWith(p))",
        arg=prefix,
    )
    value = page.locator("#id_credential option", has_text=credential).first.get_attribute("value")
    page.select_option("#id_credential", value=value)
    page.fill("#id_number", number)
    page.fill("#id_certified_on", picker(certified_on))
    if cpr is not None:
        page.fill("#id_cpr_aed_valid_until", picker(cpr))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/certifications/*/")


def test_sign_up_add_certifications_log_a_course_and_both_bars_move(page, live_server, artifacts, tmp_path, mailoutbox):
    from tests.credits.conftest import make_pdf

    today = dt.date.today()
    orgs = {o.short_name: o for o in load_defaults()}
    ApprovedCourseFactory(
        organization=orgs["ACE"], course_number="CA23456", title="Kettlebell Foundations", amount=Decimal("0.7")
    )

    # Sign up and verify the email address from the message we sent.
    page.goto("/accounts/signup/")
    page.fill("input[name=name]", "Jordan Lee")
    page.fill("input[name=email]", "jordan@example.com")
    page.fill("input[name=password1]", "squat-deadlift-2026")
    page.fill("input[name=password2]", "squat-deadlift-2026")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/confirm-email/**")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["jordan@example.com"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), live_server.url))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/confirm-email/" not in url)  # confirmed: on to the next page
    if "/accounts/login/" in page.url:
        page.fill("input[name=login]", "jordan@example.com")
        page.fill("input[name=password]", "squat-deadlift-2026")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/dashboard/")
    page.goto("/dashboard/")
    assert "Add your first certification" in page.inner_text("main")

    add_certification(page, "ACE (American Council on Exercise)", "ACE-CPT", "ACE-5521", today - dt.timedelta(days=300))
    add_certification(
        page,
        "ACSM (American College of Sports Medicine)",
        "ACSM-CPT",
        "ACSM-7788",
        today - dt.timedelta(days=400),
        cpr=today + dt.timedelta(days=1200),
    )
    page.goto("/dashboard/")
    assert page.locator("section.dash-card").count() == 2
    before = {code: bar_width(page, code) for code in ("ACE-CPT", "ACSM-CPT")}

    # Log the ACE course by number: htmx fills title and CECs from the catalog.
    page.goto("/activities/add/")
    page.select_option("#id_kind_choice", "approved_course")
    page.wait_for_selector("#id_course_number")
    page.select_option("#id_awarding_org", "ACE")
    page.type("#id_course_number", "CA23456")
    page.wait_for_selector('[data-status="ok"]')
    assert page.input_value("#id_title") == "Kettlebell Foundations"
    page.fill("#id_completed_on", picker(today - dt.timedelta(days=30)))
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Activity saved.")

    # Attach the certificate (a real PDF, checked by content).
    pdf = tmp_path / "kettlebell-certificate.pdf"
    pdf.write_bytes(make_pdf())
    page.set_input_files("#id_file", str(pdf))
    page.click("button:has-text('Attach')")
    page.wait_for_selector("text=File attached.")
    assert "kettlebell-certificate.pdf" in page.inner_text("main")

    page.goto("/dashboard/")
    after = {code: bar_width(page, code) for code in ("ACE-CPT", "ACSM-CPT")}
    assert after["ACE-CPT"] > before["ACE-CPT"] and after["ACSM-CPT"] > before["ACSM-CPT"], (before, after)
    ace = page.inner_text("section.dash-card[data-credential='ACE-CPT']")
    assert "0.7" in ace
    page.screenshot(path=str(artifacts / "journey-dashboard.png"), full_page=True)
