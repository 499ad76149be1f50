"""Production settings: no default secrets, and `check --deploy` passes with zero warnings."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cectracker.settings.production",
    "SECRET_KEY": "x7!kq2@" * 10,
    "ALLOWED_HOSTS": "cectracker.example.com",
    "DATABASE_URL": "postgres://cect:secret@db.example.com:5432/cect",
    "REDIS_URL": "redis://cache.example.com:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
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
