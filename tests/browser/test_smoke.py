import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_chromium(page):
    page.goto("/")
    assert "Every course you take" in page.inner_text("h1")


def test_the_axe_check_fails_on_a_serious_violation(page):
    from tests.browser.conftest import assert_accessible

    page.set_content('<!DOCTYPE html><html lang="en"><title>t</title><main><button></button></main></html>')
    with pytest.raises(AssertionError, match="button-name"):  # a button with no text is critical
        assert_accessible(page)
    page.set_content('<!DOCTYPE html><html lang="en"><title>t</title><main><button>Save</button></main></html>')
    assert_accessible(page)
