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


def _login(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "demo-password-2026")
    page.click("form button[type=submit]")


def test_on_a_phone_the_chart_labels_are_legible_and_the_kinds_read_whole(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page.set_viewport_size({"width": 390, "height": 900})
    _login(page, "trainer@cectracker.demo")
    page.wait_for_url("**/dashboard/")
    sizes = page.eval_on_selector_all(".dash-chart text", "els => els.map(e => e.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 10  # they rendered 6 px tall
    page.goto("/activities/add/")
    widest = page.evaluate(
        """() => { const s = document.querySelector('#id_kind_choice'); const c = document.createElement('canvas')
                    .getContext('2d'); c.font = getComputedStyle(s).font;
                    return Math.max(...[...s.options].map(o => c.measureText(o.text).width)) }"""
    )
    assert widest <= page.locator("#id_kind_choice").bounding_box()["width"] - 20  # no option is cut off


def test_on_a_phone_the_staff_petition_queue_stacks_each_petition(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page.set_viewport_size({"width": 390, "height": 900})
    _login(page, "reviewer@acsm.demo")
    page.wait_for_url("**/org/acsm/")
    page.goto("/org/acsm/petitions/")
    row = page.locator("table tbody tr").first
    for label in ("Hours", "Evidence", "Status"):
        cell = row.locator(f"td[data-label={label}]")
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, label  # they sat off-screen to the right
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
