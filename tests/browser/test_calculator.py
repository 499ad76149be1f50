"""The calculator in Chromium at a phone's width: htmx adds rows, shows the fields of each kind, calculates."""

import pytest

from certifications.defaults import load_defaults

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_calculator_on_a_phone(page, artifacts):
    load_defaults()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/calculator/")
    page.select_option("#id_credential", "ACSM-CPT")
    page.fill("#id_certified_on", "2023-03-15")
    page.fill("#id_as_of", "2026-05-01")
    page.fill("#id_cpr_aed_valid_until", "2027-01-31")
    page.fill("#id_a-0-completed_on", "2024-02-10")
    page.fill("#id_a-0-amount", "6")
    page.click("button[value=add]")
    page.wait_for_selector("#id_a-1-kind")
    page.select_option("#id_a-1-kind", "college_course")
    page.wait_for_selector("#id_a-1-credit_hours")  # htmx re-rendered the row with the college fields
    assert page.input_value("#id_a-0-amount") == "6"  # what was typed survives the swap
    page.fill("#id_a-1-completed_on", "2024-12-15")
    page.fill("#id_a-1-credit_hours", "3")
    page.fill("#id_a-1-grade", "b+")
    page.click("button[value=calculate]")
    result = page.wait_for_selector("#calculator-result")
    text = result.inner_text()
    assert "36.00" in text and "9.00" in text and "Grace period" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(artifacts / "calculator-phone.png"), full_page=True)

    page.fill("#id_a-1-credit_hours", "3.125")
    page.click("button[value=calculate]")
    page.wait_for_selector("text=Use at most 2 decimal places.")
