"""Production settings: no default secrets, and `check --deploy` passes with zero warnings."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cectracker.settings.production",
    "SECRET_KEY": "x7!kq2@" * 10,
    "ALLOWED_HOSTS": "cectracker.example.com",
    "DATABASE_URL": "postgres://cect:secret@db.example.com:5432/cect",
    "REDIS_URL": "redis://cache.example.com:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "CECT_SIGNING_KEY": "cHJvZHVjdGlvbi1zZXR0aW5ncy10ZXN0LWVkMjU1MTk",  # 32 bytes, base64url
}


def _manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_trusts_no_x_forwarded_for_unless_told_how_many_proxies():
    # docker-compose serves gunicorn directly: a default of one proxy let any client pick its address.
    show = (
        "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    assert _manage("shell", "--no-imports", "-c", show, env=PRODUCTION_ENV).stdout.split() == ["0", "0"]
    told = {**PRODUCTION_ENV, "ALLAUTH_TRUSTED_PROXY_COUNT": "2", "NUM_PROXIES": "2"}
    assert _manage("shell", "--no-imports", "-c", show, env=told).stdout.split() == ["2", "2"]


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _email_settings_in_production(**overrides):
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)"
    result = _manage("shell", "--no-imports", "-c", code, env={**PRODUCTION_ENV, **overrides})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()[-2:]


def test_production_honours_email_file_path_with_the_file_backend(tmp_path):
    backend, path = _email_settings_in_production(EMAIL_URL="filemail://", EMAIL_FILE_PATH=str(tmp_path / "mail"))
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path == str(tmp_path / "mail")


def test_the_folder_in_a_filemail_url_stays_absolute():
    # django-environ parses filemail:///var/mail/cect as "var/mail/cect", a folder under the working directory.
    backend, path = _email_settings_in_production(EMAIL_URL="filemail:///var/mail/cect")
    assert backend.endswith(".filebased.EmailBackend") and path == "/var/mail/cect"


def test_production_honours_email_backend_over_email_url():
    backend, _ = _email_settings_in_production(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", EMAIL_FILE_PATH="/var/mail/unused"
    )
    assert backend == "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize("variable", ["EMAIL_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_email_url_or_redis_url(variable):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != variable}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert variable in result.stderr


@pytest.mark.parametrize("value", [None, "", "too-short", "not base64 !!"])
def test_production_refuses_to_start_without_a_valid_credential_signing_key(value):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CECT_SIGNING_KEY"}
    if value is not None:
        env["CECT_SIGNING_KEY"] = value
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "CECT_SIGNING_KEY" in result.stderr
