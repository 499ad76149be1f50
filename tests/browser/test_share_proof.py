"""The holder creates a share link in Chromium, an anonymous visitor opens it and sees "current"; the holder
revokes it and the visitor gets 404. axe finds no serious or critical violation on either page."""

import pytest

from tests.browser.axe import assert_accessible
from tests.proof.conftest import holder, shipped  # noqa: F401  (a trainer with ACSM-CPT and ACE-CPT)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = __import__("pathlib").Path(__file__).resolve().parents[2] / "docs"


def test_a_share_link_is_live_and_revocable(page, browser, live_server, holder, artifacts):  # noqa: F811
    page.goto("/accounts/login/")
    page.fill("input[name=login]", holder["user"].email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")

    page.goto(f"/certifications/{holder['acsm'].pk}/")
    page.click("text=Share proof")
    page.fill("input[name=label]", "Downtown gym")
    page.click("button:has-text('Create a share link')")
    url = page.input_value("#share-url")
    assert "/verify/" in url
    assert page.locator(".qr svg").count() == 1
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "share-create.png"), full_page=True)

    visitor = browser.new_context(viewport={"width": 900, "height": 800})
    anonymous = visitor.new_page()
    response = anonymous.goto(url)
    assert response.status == 200
    assert "Current" in anonymous.inner_text(".verify-status")
    assert "Tess Holder" in anonymous.inner_text("h1")
    assert holder["user"].email not in anonymous.content()
    assert_accessible(anonymous)
    anonymous.screenshot(path=str(DOCS / "share-page.png"), full_page=True)

    page.reload()
    assert page.locator("#share-url").count() == 0  # the address was shown once
    assert "never" not in page.inner_text("table")  # the visit shows as the last opening
    page.click("button:has-text('Revoke')")
    page.wait_for_selector("text=The link is revoked")
    assert anonymous.goto(url).status == 404
    visitor.close()
