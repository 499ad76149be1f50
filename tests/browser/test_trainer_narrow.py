"""The trainer's pages on a 390 px phone screen: what matters stays readable."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_activity_list_shows_what_each_activity_counts_for_at_full_width(page, artifacts):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "trainer@cectracker.demo")
    page.fill("input[name=password]", "demo-password-2026")
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto("/activities/")
    counts = page.locator("table tbody tr").first.locator("td").nth(2)
    # It was squeezed into a scrolled-off column a few letters wide.
    assert counts.bounding_box()["width"] > 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "activities-390.png"), full_page=True)


def test_on_a_phone_a_certifications_cycles_show_every_column(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "trainer@cectracker.demo")
    page.fill("input[name=password]", "demo-password-2026")
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.locator("section.dash-card[data-credential='ACSM-CPT'] h2 a").click()
    renewal = page.locator("table").last.locator("tbody tr").first.locator("td").last
    box = renewal.bounding_box()
    assert box["x"] + box["width"] <= 390  # the Renewal column was cut off the side of the table
