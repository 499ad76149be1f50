"""The rule-set editor in Chromium: each field labelled (axe), no id twice, nothing off-screen, published read-only."""

import pytest

from accounts.models import Membership
from certifications.defaults import load_defaults
from certifications.models import RuleSetVersion
from certifications.rulesets.services import ruleset_draft_create
from tests.browser.axe import assert_accessible, sign_in
from tests.conftest import activate_totp
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUPLICATE_IDS = """() => { const seen = {};
  for (const e of document.querySelectorAll('[id]')) seen[e.id] = (seen[e.id] || 0) + 1;
  return Object.keys(seen).filter(k => seen[k] > 1); }"""
# Controls whose right edge is past the viewport, or inside something that scrolls sideways.
OFF_SCREEN = """(width) => [
  ...document.querySelectorAll('.ruleset-form input:not([type=hidden]), .ruleset-form select')]
  .filter(e => e.getBoundingClientRect().right > width).map(e => e.name)"""
SCROLLERS = """() => [...document.querySelectorAll('.ruleset-form *:not(input):not(textarea):not(select)')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
  .map(e => e.className || e.tagName)"""


@pytest.fixture
def acsm_admin(db):
    orgs = {o.slug: o for o in load_defaults()}
    membership = MembershipFactory(organization=orgs["acsm"], role=Membership.ADMIN, user__email="admin@acsm.test")
    activate_totp(membership.user)
    return membership.user, orgs["acsm"]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_draft_is_labelled_fits_the_screen_and_offers_cap_kinds_as_checkboxes(
    page, live_server, artifacts, acsm_admin, width
):
    admin, org = acsm_admin
    draft = ruleset_draft_create(actor=admin, organization=org)
    sign_in(page, live_server, admin)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/org/acsm/rulesets/{draft.pk}/")
    assert_accessible(page)  # was 152 inputs without a label and 57 selects without a name (critical)
    assert page.evaluate(DUPLICATE_IDS) == []  # id_effective_from was on the page twice
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OFF_SCREEN, width) == []  # three columns of the kinds table were off the side
    assert page.evaluate(SCROLLERS) == []
    # The cap kinds: one labelled checkbox per kind, ticked for the kinds the cap covers; no tiny multi-select.
    assert page.locator(".ruleset-form select[multiple]").count() == 0
    assert page.get_by_role("group", name="Cap: teaching and lecturing").get_by_label("Teaching").is_checked()
    assert not page.get_by_role("group", name="Cap: teaching and lecturing").get_by_label("Reading").is_checked()
    # A kind shows the fields its "Worth" uses: choosing another shows its fields at once.
    lifeguarding = page.get_by_role("group", name="Lifeguarding")
    assert not lifeguarding.get_by_label("Fixed amount").is_visible()
    lifeguarding.get_by_label("Worth").select_option("fixed")
    assert lifeguarding.get_by_label("Fixed amount").is_visible()
    assert not lifeguarding.get_by_label("Per hour").is_visible()
    # Each credential's renewal fee is a field of the draft.
    assert page.get_by_label("Renewal fee: ACSM-EP").input_value() == "70"
    assert page.locator("input[name$='-DELETE']").count() > 0  # a draft's caps can be deleted
    page.screenshot(path=str(artifacts / f"ruleset-draft-{width}.png"), full_page=True)


def test_an_error_is_next_to_its_field_and_the_page_stays_accessible(page, live_server, acsm_admin):
    admin, org = acsm_admin
    draft = ruleset_draft_create(actor=admin, organization=org)
    sign_in(page, live_server, admin)
    page.goto(f"/org/acsm/rulesets/{draft.pk}/")
    publication = page.get_by_role("group", name="Publications")
    publication.get_by_label("Fixed amount").fill("")
    page.get_by_label("Renewal fee: ACSM-CPT").fill("65")
    page.get_by_role("button", name="Save draft").click()
    field = page.get_by_role("group", name="Publications").get_by_label("Fixed amount")
    assert field.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{field.get_attribute('aria-describedby')}")
    assert 'required when value is "fixed"' in error.inner_text()
    assert page.get_by_label("Renewal fee: ACSM-CPT").input_value() == "65"  # kept while the error is fixed
    assert_accessible(page)


def test_a_published_version_is_read_only_without_delete_boxes(page, live_server, acsm_admin):
    admin, org = acsm_admin
    published = RuleSetVersion.objects.get(organization=org, status="published")
    sign_in(page, live_server, admin)
    page.goto(f"/org/acsm/rulesets/{published.pk}/")
    assert "read-only" in page.inner_text("main")
    assert page.locator("input[name$='-DELETE']").count() == 0
    assert page.get_by_role("group", name="New cap").count() == 0  # no empty caps to fill in either
    assert page.locator("input[name='caps-TOTAL_FORMS']").input_value() == "3"
    controls = page.locator(".ruleset-form input:not([type=hidden]), .ruleset-form select, .ruleset-form textarea")
    assert controls.count() > 100
    assert all(controls.nth(i).is_disabled() for i in range(controls.count()))
    assert page.get_by_role("button", name="Save draft").count() == 0
    assert_accessible(page)


def test_the_rule_set_list_and_the_preview_are_accessible(page, live_server, acsm_admin):
    admin, org = acsm_admin
    draft = ruleset_draft_create(actor=admin, organization=org)
    sign_in(page, live_server, admin)
    page.goto("/org/acsm/rulesets/")
    assert_accessible(page)
    page.goto(f"/org/acsm/rulesets/{draft.pk}/")
    page.get_by_role("button", name="Preview the effect on recent cycles").click()
    page.wait_for_url("**/preview/**")
    assert "recent cycles evaluated" in page.inner_text("main")
    assert_accessible(page)
    assert page.evaluate(DUPLICATE_IDS) == []
