"""A reviewer walks the back office of the demo organization; every page is then held to axe (conftest)."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_walks_the_back_office(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "reviewer@acsm.demo")
    page.fill("input[name=password]", "demo-password-2026")
    page.click("form button[type=submit]")
    page.wait_for_url("**/org/acsm/")
    assert "Petitions waiting for a decision" in page.inner_text("main")
    for section, detail in (("petitions", "table tbody tr a"), ("audits", "table tbody tr a")):
        page.goto(f"/org/acsm/{section}/")
        page.locator(detail).first.click()
        page.wait_for_load_state()
        assert page.url.rstrip("/").split("/")[-1].isdigit()
    for section in ("certifications", "renewals", "emeritus", "courses"):
        response = page.goto(f"/org/acsm/{section}/")
        assert response.status in (200, 404)  # the course catalog page arrives with the back-office polish
