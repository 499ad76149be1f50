"""The trainer's dashboard in Chromium: both progress bars and both charts render; screenshots for the README."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_dashboard_shows_both_certifications_with_progress_and_charts(page, artifacts):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # ACE-CPT in progress, ACSM-CPT nearly done
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "trainer@cectracker.demo")
    page.fill("input[name=password]", "demo-password-2026")
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")

    cards = page.locator("section.dash-card")
    assert cards.count() == 2
    for code in ("ACE-CPT", "ACSM-CPT"):
        card = page.locator(f"section.dash-card[data-credential='{code}']")
        bar = card.locator(".progress > span")
        assert bar.is_visible() and bar.bounding_box()["width"] > 20  # some progress drawn
        chart = card.locator("svg.dash-chart")
        assert chart.is_visible() and chart.bounding_box()["height"] > 50
        assert card.locator("svg.dash-chart polyline.earned").count() == 1
        assert card.locator("svg.dash-chart line.required").count() == 1
        assert "day" in card.locator(".dash-days").inner_text()
        assert "At your pace" in card.locator(".dash-forecast").inner_text()
    ace_bar = page.locator("section.dash-card[data-credential='ACE-CPT'] .progress > span").bounding_box()["width"]
    acsm_bar = page.locator("section.dash-card[data-credential='ACSM-CPT'] .progress > span").bounding_box()["width"]
    assert acsm_bar > ace_bar  # ACSM nearly done, ACE a year in

    page.goto("/dashboard/")  # without the signed-in message, for the README
    shot = artifacts / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    DOCS.mkdir(exist_ok=True)
    shutil.copyfile(shot, DOCS / "dashboard.png")
    assert shot.stat().st_size > 10_000


def test_adding_a_certification_narrows_the_credentials_to_the_organization(page):
    from certifications.defaults import load_defaults
    from tests.factories import UserFactory

    load_defaults()
    UserFactory(email="new@example.com")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "new@example.com")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")
    assert "Add your first certification" in page.inner_text("main")

    page.click("text=Add your first certification")
    page.wait_for_url("**/certifications/add/")  # count() below does not wait for the navigation
    assert page.locator("#id_credential option", has_text="ACSM-CPT").count() == 1
    page.select_option("#id_organization", label="ACE (American Council on Exercise)")
    page.wait_for_function("!document.querySelector('#id_credential').innerHTML.includes('ACSM')")  # htmx swap
    page.select_option("#id_credential", label="ACE-CPT: ACE Certified Personal Trainer")
    page.fill("#id_number", "ACE-1234")
    page.fill("#id_certified_on", "2025-03-01")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/certifications/*/")
    assert "Mar 1, 2025\tFeb 28, 2027" in page.inner_text("main")
    page.goto("/dashboard/")
    assert page.locator("section.dash-card[data-credential='ACE-CPT'] .progress").count() == 1
