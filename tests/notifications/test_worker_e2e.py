"""End to end through real Celery workers on Redis: a worker SIGKILLed mid-way loses nothing and doubles nothing."""

import datetime as dt
import re
import time

import pytest

from accounts.models import Notification
from cectracker.celery import app

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ACE_END = dt.date(2027, 1, 14)
PEOPLE = 8


def outbox(folder) -> list[int]:
    """The notification id of every email in the file outbox (one file per email)."""
    if not folder.exists():
        return []
    ids = []
    for path in folder.iterdir():
        match = re.search(rb"^X-CECT-Notification: (\d+)", path.read_bytes(), re.MULTILINE)
        assert match, path.read_text()
        ids.append(int(match.group(1)))
    return ids


def wait_for(condition, timeout, worker):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out; worker log:\n" + worker.output())


def test_sweep_kill_the_worker_sweep_again_each_email_exactly_once(
    celery_worker_env, celery_worker_process, certify, tmp_path
):
    celery_worker_env["EMAIL_BACKEND"] = "tests.notifications.backends.SlowFileBackend"
    celery_worker_env["CECT_TEST_SEND_DELAY"] = "0.4"
    for _ in range(PEOPLE):
        certify("ACE-CPT", dt.date(2025, 1, 15))
    maildir = tmp_path / "mail"
    as_of = (ACE_END - dt.timedelta(days=90)).isoformat()

    first = celery_worker_process()
    app.send_task("certifications.tasks.reminders_sweep_task", kwargs={"as_of": as_of})
    wait_for(lambda: len(outbox(maildir)) >= 3, 60, first)
    time.sleep(0.2)  # inside the next send (0.4 s): the row is locked, the email not written yet
    first.kill()
    sent_before_kill = outbox(maildir)
    assert 3 <= len(sent_before_kill) < PEOPLE, "the kill must land in the middle of the sends"
    assert Notification.objects.count() == PEOPLE  # the whole decision was committed before sending

    second = celery_worker_process()
    app.send_task("certifications.tasks.reminders_sweep_task", kwargs={"as_of": as_of})
    wait_for(
        lambda: (
            not Notification.objects.filter(email_status=Notification.PENDING).exists()
            and len(outbox(maildir)) >= PEOPLE
        ),
        90,
        second,
    )
    time.sleep(2)  # let any duplicate task still queued run: it must find its row sent
    ids = outbox(maildir)
    assert sorted(ids) == sorted(Notification.objects.values_list("pk", flat=True)), second.output()
    assert len(set(ids)) == PEOPLE == Notification.objects.filter(kind="cycle_ending").count()
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
