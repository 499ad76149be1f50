"""Sign-up, mandatory email verification, log in, MFA and login rate limits (allauth)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, capture, email="new@example.com", password="a-strong-passphrase-42", **extra):
    with capture(execute=True):
        return client.post(
            reverse("account_signup"), {"email": email, "password1": password, "password2": password}, **extra
        )


def test_signup_sends_verification_and_login_waits_for_it(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.com").exists()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    # SITE_URL starts every email link (tests: the default), whatever host the request came to.
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/confirm-email/\S+/)", body).group(1)

    # Mandatory verification: the dashboard is not reachable before confirming.
    client.logout()
    client.post(reverse("account_login"), {"login": "new@example.com", "password": "a-strong-passphrase-42"})
    assert client.get(reverse("dashboard")).status_code == 302

    assert client.post(link).status_code == 302
    response = client.post(reverse("account_login"), {"login": "new@example.com", "password": "a-strong-passphrase-42"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_signup_refuses_short_and_common_passwords(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, password="password")
    assert response.status_code == 200
    assert "too short" in response.content.decode() or "too common" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_signup_does_not_reveal_existing_accounts(client, django_capture_on_commit_callbacks, trainer):
    response = _signup(client, django_capture_on_commit_callbacks, email=trainer.email)
    # Same answer as a new address (a redirect to "check your email"), no error naming the account.
    assert response.status_code == 302
    assert User.objects.filter(email=trainer.email).count() == 1


def test_login_with_correct_password(client, trainer):
    response = client.post(reverse("account_login"), {"login": trainer.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_sixth_failed_login_for_one_account_is_refused(client, trainer):
    cache.clear()
    for _ in range(5):
        r = client.post(reverse("account_login"), {"login": trainer.email, "password": "wrong-password-x"})
        assert r.status_code == 200
        assert "too many" not in r.content.decode().lower()
    r = client.post(reverse("account_login"), {"login": trainer.email, "password": "correct-horse-battery"})
    # Even the right password is refused once the account's limit is reached.
    assert r.status_code in (200, 429)
    assert client.get(reverse("dashboard")).status_code == 302


def _fail_logins(client, addresses):
    """One failed login per address (each for a different unknown account, so only the address limit
    applies); True for each that was refused as too many."""
    refused = []
    for i, forwarded in enumerate(addresses):
        data = {"login": f"nobody-{i}@example.com", "password": "wrong-password-x"}
        r = client.post(reverse("account_login"), data, HTTP_X_FORWARDED_FOR=forwarded)
        refused.append("too many" in r.content.decode().lower())
    return refused


def test_a_made_up_x_forwarded_for_does_not_escape_the_login_limit_per_address(client):
    # No proxy of ours in front (the default 0): the header is ignored, REMOTE_ADDR is the client.
    cache.clear()
    refused = _fail_logins(client, [f"198.51.100.{i}" for i in range(25)])
    assert refused == [False] * 20 + [True] * 5  # "20/m/ip"
    cache.clear()


def test_behind_one_proxy_the_login_limit_is_per_last_x_forwarded_for_entry(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    assert _fail_logins(client, [f"10.1.1.{i}, 203.0.113.7" for i in range(21)])[-1] is True
    assert _fail_logins(client, ["10.1.1.1, 203.0.113.8"]) == [False]
    cache.clear()


@pytest.mark.redis
def test_login_rate_limit_holds_on_the_redis_cache(client, trainer, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    cache.clear()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": trainer.email, "password": "wrong-password-x"})
    client.post(reverse("account_login"), {"login": trainer.email, "password": "correct-horse-battery"})
    assert client.get(reverse("dashboard")).status_code == 302
    cache.clear()


def _current_code(secret):
    return f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"


def test_totp_login_asks_for_the_code(client):
    from tests.conftest import activate_totp

    user = UserFactory(email="mfa@example.com")
    totp = activate_totp(user)
    secret = Authenticator.objects.get(pk=totp.instance.pk).wrap().instance.data["secret"]
    from allauth.mfa.utils import decrypt

    response = client.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and "authenticate" in response["Location"]
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in yet
    response = client.post(response["Location"], {"code": _current_code(decrypt(secret))})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_admin_without_totp_is_sent_to_set_it_up(client, org_a):
    from tests.factories import MembershipFactory

    admin = MembershipFactory(organization=org_a, role="admin").user
    client.force_login(admin)
    response = client.get(reverse("org_home", args=[org_a.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_admin_with_totp_reaches_the_back_office(client, org_a, admin_a):
    client.force_login(admin_a)
    assert client.get(reverse("org_home", args=[org_a.slug])).status_code == 200


def test_account_emails_name_the_site_from_settings(client, django_capture_on_commit_callbacks, settings):
    # They read "Hello from !" and "[127.0.0.1:8811]": the request's host, or nothing.
    settings.CECT_SITE_NAME = "CEC Tracker"
    _signup(client, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.subject.startswith("[CEC Tracker] ")
    assert "Hello from CEC Tracker!" in message.body
    assert "testserver]" not in message.subject and "Hello from !" not in message.body


@pytest.mark.parametrize("host", ["testserver", "evil.example"])
def test_every_account_email_link_starts_with_the_configured_site_url(
    client, django_capture_on_commit_callbacks, settings, trainer, host
):
    settings.CECT_SITE_URL = "https://cec.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    cache.clear()  # allauth sends one confirmation per address every 3 minutes
    _signup(client, django_capture_on_commit_callbacks, email=f"new@{host}.test", HTTP_HOST=host)  # confirmation
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": trainer.email}, HTTP_HOST=host)  # reset
        client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, HTTP_HOST=host)  # unknown
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        links = re.findall(r"https?://[^\s\"'<>]+", message.body + "".join(b for b, _ in message.alternatives))
        assert links and all(link.startswith("https://cec.example.org/") for link in links), (message.subject, links)
    confirm = re.search(r"https://cec\.example\.org(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    assert client.get(confirm).status_code == 200  # the path is the one allauth made
