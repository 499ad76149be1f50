"""Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.axe import assert_accessible

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page whose every visited HTML page is held to axe: the test drives it as it likes, and at the end each
    distinct address it reached by GET (trainer, staff, provider or visitor pages alike) is opened again in the
    same session and checked, so no page of a browser test escapes the check. (A page a POST answered, such as a
    form sent back with its errors, is checked where the test calls assert_accessible itself.)"""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    visited: list[str] = []

    def remember(response):
        request = response.request
        if (
            request.resource_type == "document"
            and request.method == "GET"
            and "text/html" in response.headers.get("content-type", "")
        ):
            url = response.url.split("#")[0]
            if url.startswith(live_server.url) and url not in visited:
                visited.append(url)

    page.on("response", remember)
    yield page
    page.remove_listener("response", remember)
    failures = []
    for url in visited:
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        try:
            assert_accessible(page)
        except AssertionError as error:
            failures.append(str(error))
    context.close()
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
