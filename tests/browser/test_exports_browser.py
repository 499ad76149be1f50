"""A trainer creates an API token and a calendar feed in Chromium, and reaches every export from one page."""

import pytest

from tests.exports.conftest import holder, shipped  # noqa: F401  (a trainer with ACE and ACSM)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email, password="correct-horse-battery"):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")


def test_token_and_calendar_pages_show_the_secret_once(page, holder, artifacts):  # noqa: F811
    _sign_in(page, holder["user"].email)
    page.click("summary")
    page.click("text=API token")
    page.click("text=Create a token")
    key = page.input_value("#api-token-value")
    assert len(key) == 40
    page.screenshot(path=str(artifacts / "api-token.png"), full_page=True)

    page.goto("/exports/")
    page.screenshot(path=str(artifacts / "exports.png"), full_page=True)
    page.click("text=Set up a calendar feed")
    page.click("text=Create my calendar feed")
    url = page.input_value("#calendar-feed-url")
    assert url.endswith(".ics") and "/calendar/" in url
    page.screenshot(path=str(artifacts / "calendar-feed.png"), full_page=True)
    page.reload()
    assert page.locator("#calendar-feed-url").count() == 0  # shown once
    assert "BEGIN:VCALENDAR" in page.request.get(url).text()
