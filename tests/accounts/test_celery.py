"""Celery in both modes: eager (local, tests) and a real worker consuming from Redis."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from cectracker.celery import app

pytestmark = pytest.mark.django_db


def test_mail_is_sent_through_the_task_after_commit(client, trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("account_reset_password"), {"email": trainer.email})
    assert mail.outbox == []  # nothing leaves before the transaction commits
    assert callbacks
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [trainer.email]


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_on_redis_runs_the_task(celery_worker_process, celery_worker_env, tmp_path):
    worker = celery_worker_process()
    app.send_task(
        "accounts.tasks.send_email_task",
        kwargs={"subject": "From the worker", "body": "hello", "to": ["w@example.com"]},
    )
    maildir = tmp_path / "mail"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (maildir.exists() and any(maildir.iterdir())):
        time.sleep(0.2)
    files = list(maildir.iterdir()) if maildir.exists() else []
    assert files, worker.output()
    assert "From the worker" in files[0].read_text()
