"""`make run`'s demo loader: idempotent, and its output is the logins, not pages of email."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_load_demo_prints_the_logins_without_email_bodies(settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # as `make run` has it
    settings.CELERY_TASK_ALWAYS_EAGER = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue() + capsys.readouterr().out
    assert "admin@ace.demo" in text and "demo-password-2026" in text
    assert "Subject:" not in text and "Content-Type" not in text
    assert "(not shown)" in text
