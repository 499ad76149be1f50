"""An employer invites a trainer, the trainer shares one certification, the roster shows its live status,
the trainer withdraws and the roster says so at once; axe finds no serious or critical violation on any
page. Writes docs/employer-roster.png for the README."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Membership
from certifications.defaults import load_defaults
from certifications.models import Credential
from employers.models import Location
from employers.services import employer_create, employer_staff_add, sharing_set, trainer_invite
from tests.browser.axe import assert_accessible
from tests.factories import ActivityFactory, CertificationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"
PASSWORD = "correct-horse-battery"


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def certify(user, code, start, cpr=dt.date(2035, 1, 1)):
    return CertificationFactory(
        user=user, credential=Credential.objects.get(code=code), certified_on=start, cpr_aed_valid_until=cpr
    )


@pytest.fixture
def gym(settings):
    settings.CECT_REQUIRE_MFA_FOR_ADMINS = False
    load_defaults()
    gym = employer_create(name="Northside Fitness", slug="northside", short_name="Northside")
    admin = UserFactory(email="admin@northside.test", name="Nia Northside")
    employer_staff_add(actor=None, organization=gym, user=admin, role=Membership.ADMIN)
    downtown = Location.objects.create(organization=gym, name="Downtown")
    riverside = Location.objects.create(organization=gym, name="Riverside")
    today = timezone.localdate()
    # A few colleagues already on the roster, so the screenshot shows what needs attention first.
    for name, code, days_ago, cpr, location in (
        ("Ed Ended", "ACE-CPT", 760, today + dt.timedelta(days=300), downtown),
        ("Gail Grace", "ACSM-CPT", 3 * 365 + 40, today + dt.timedelta(days=300), riverside),
        ("Sam Soon", "ACSM-CPT", 400, today + dt.timedelta(days=25), downtown),
        ("Cora Current", "ACE-GFI", 200, today + dt.timedelta(days=500), riverside),
    ):
        user = UserFactory(name=name)
        certification = certify(user, code, today - dt.timedelta(days=days_ago), cpr)
        if name == "Cora Current":
            ActivityFactory(user=user, kind="approved_course", awarding_org="ACE", course_number="CEP12345",
                            amount="2.0", completed_on=today - dt.timedelta(days=10))  # fmt: skip
        link = trainer_invite(actor=admin, organization=gym, email=user.email, location=location)
        sharing_set(user=user, link=link, certification_ids={certification.pk})
    trainer = UserFactory(email="tess@example.com", name="Tess Trainer")
    certify(trainer, "ACE-CPT", today - dt.timedelta(days=680))
    certify(trainer, "ACSM-CPT", today - dt.timedelta(days=100))
    return {"admin": admin, "trainer": trainer}


def test_invite_consent_roster_withdraw_gone(page, browser, live_server, gym, artifacts):
    sign_in(page, "admin@northside.test")
    page.wait_for_url("**/employer/northside/")
    assert_accessible(page)
    page.get_by_role("link", name="Invite a trainer").click()
    assert_accessible(page)
    page.fill("input[name=email]", "tess@example.com")
    page.select_option("select[name=location]", label="Riverside")
    page.click("text=Send invitation")
    page.wait_for_url("**/employer/northside/")
    assert "Invitation sent" in page.content()
    assert page.locator("#roster").get_by_text("Tess Trainer").count() == 0

    trainer_context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    trainer = trainer_context.new_page()
    sign_in(trainer, "tess@example.com")
    trainer.get_by_role("link", name="Sharing").click()
    assert "Northside Fitness invites you" in trainer.content()
    assert_accessible(trainer)
    trainer.get_by_role("link", name="Choose what to share").click()
    assert_accessible(trainer)
    trainer.get_by_label("ACE-CPT", exact=False).check()
    trainer.get_by_role("button", name="Save").click()
    trainer.wait_for_url("**/sharing/")
    assert "shared since" in trainer.content()
    assert_accessible(trainer)

    page.reload()
    row = page.locator("#roster tr", has_text="Tess Trainer")
    assert row.count() == 1
    assert "ACE-CPT" in row.inner_text() and "In progress" in row.inner_text() and "CECs to go" in row.inner_text()
    assert "ACSM-CPT" not in row.inner_text()  # not shared
    assert_accessible(page)
    page.screenshot(path=str(DOCS / "employer-roster.png"), full_page=True)
    page.screenshot(path=str(artifacts / "employer-roster.png"), full_page=True)

    trainer.get_by_role("button", name="Withdraw").click()
    trainer.wait_for_url("**/sharing/")
    assert "no longer sees your ACE-CPT" in trainer.content()
    assert_accessible(trainer)

    page.reload()
    row = page.locator("#roster tr", has_text="Tess Trainer")
    assert "Withdrawn by the trainer" in row.inner_text()
    assert "In progress" not in row.inner_text() and "CECs to go" not in row.inner_text()
    assert_accessible(page)
    trainer_context.close()
