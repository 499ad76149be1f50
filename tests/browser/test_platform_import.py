"""A platform operator onboards a made-up body in Chromium: paste its file, see a mistake by path, fix it,
preview the import, publish it; the new body's credential is then offered to trainers."""

import pytest

from accounts.models import Organization
from certifications.selectors import credentials_available
from tests.factories import UserFactory
from tests.orgfile.conftest import NFB_FILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_previews_fixes_and_publishes_a_body(page, no_mfa_requirement, artifacts):
    UserFactory(email="operator@platform.test", is_superuser=True, is_staff=True, password="correct-horse-battery")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "operator@platform.test")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.click("summary")
    page.click("text=Platform: organizations")
    text = NFB_FILE.read_text(encoding="utf-8")
    page.fill("#id_text", text.replace("cycle_years: 4", "cycle_years: four"))
    page.click("text=Preview the import")
    problems = page.locator("#file-problems")
    assert problems.get_attribute("role") == "alert"
    assert "rule_set.rules.cycle_years: must be a whole number" in problems.inner_text()
    assert page.get_attribute("#id_text", "aria-invalid") == "true"
    page.fill("#id_text", text)
    page.click("text=Preview again")
    plan = page.locator("#import-plan").inner_text()
    assert "Creates the organization NFB (National Fitness Board)" in plan
    page.screenshot(path=str(artifacts / "platform-import.png"), full_page=True)
    page.screenshot(path="docs/platform-import.png", full_page=False)
    assert not Organization.objects.filter(slug="nfb").exists()
    page.click("button:has-text('Publish')")
    page.wait_for_url("**/platform/organizations/")
    assert "Creates the organization NFB" in page.locator(".messages").inner_text()
    assert page.locator("text=Export NFB (YAML)").count() == 1
    assert "NFB-CPT" in [c.code for c in credentials_available()]  # trainers can add it now
