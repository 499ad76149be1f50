"""Browser-test helpers: axe-core in the page (the copy axe-playwright-python ships; nothing fetched), where
serious or critical violations fail, and a signed-in session without typing a password (staff with TOTP).
The `page` fixture (conftest.py) runs assert_accessible on every page a test reaches by GET."""

from django.conf import settings
from django.test import Client

FAILING = ("serious", "critical")


def assert_accessible(page) -> None:
    """Run axe-core on the page as it is now; fail naming each serious or critical rule and its elements."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    bad = [v for v in violations if v["impact"] in FAILING]
    assert not bad, f"axe on {page.url}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['help']} e.g. {[n['target'] for n in v['nodes'][:3]]}"
        for v in bad
    )


def sign_in(page, live_server, user) -> None:
    """Give the browser a session of `user` (staff pages need an admin with TOTP, which the form can't type)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
