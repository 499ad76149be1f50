"""The back office's course catalog in Chromium (demo data, 200 ACE courses): search, pages, phone, axe."""

import pytest
from django.core.management import call_command

from accounts.models import Provider, User
from tests.browser.axe import assert_accessible, sign_in
from tests.conftest import activate_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_search_their_catalog_page_by_page(page, live_server, artifacts, width):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    sign_in(page, live_server, User.objects.get(email="reviewer@ace.demo"))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/org/ace/")
    page.get_by_role("link", name="Course catalog").click()
    page.wait_for_url("**/org/ace/courses/")
    assert "200 courses." in page.inner_text("main")
    assert page.locator("table tbody tr").count() == 50
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # every column on screen
    page.get_by_role("link", name="Next →").click()
    assert "Page 2 of 4" in page.inner_text("nav.pagination")
    page.get_by_role("searchbox").fill("kettlebell")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table tbody tr")
    assert 0 < rows.count() <= 50 and all("kettlebell" in rows.nth(i).inner_text().lower() for i in range(rows.count()))
    assert "match" in page.inner_text("[role=status]")
    assert_accessible(page)
    page.screenshot(path=str(artifacts / f"course-catalog-{width}.png"), full_page=True)


def test_the_provider_page_shows_its_courses_50_at_a_time(page, live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    admin = User.objects.get(email="admin@ace.demo")
    activate_totp(admin)
    sign_in(page, live_server, admin)
    from django_scopes import scopes_disabled

    with scopes_disabled():
        provider = Provider.objects.filter(organization__slug="ace", courses__isnull=False).distinct().first()
        total = provider.courses.count()
    page.goto(f"/org/ace/providers/{provider.pk}/")
    assert page.locator("table").last.locator("tbody tr").count() == min(total, 50)
    assert f"{total} course" in page.inner_text("main")
    assert_accessible(page)
