"""notify(): one ledger row per (user, kind, key, due date), email on commit, sent once, retried on SMTP failure."""

import datetime as dt
import smtplib

import pytest
from django.core import mail

from accounts.models import Notification
from accounts.notifications.services import notification_send, notify
from tests.factories import UserFactory

from .backends import FlakyBackend

pytestmark = pytest.mark.django_db

CONTEXT = {"organization": "ACE", "activity": "Kettlebell workshop", "status": "approved", "amount": "0.4"}


def test_a_duplicate_call_is_a_no_op(trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
        second = notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    assert first is not None and second is None
    assert Notification.objects.filter(user=trainer).count() == 1
    assert len(mail.outbox) == 1
    row = Notification.objects.get()
    assert row.email_status == Notification.SENT and row.sent_at is not None and row.attempts == 1
    assert row.title == "Your petition to ACE was approved"


def test_the_due_date_is_part_of_the_key(trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for due in (dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 4, 1)):
            notify(user=trainer, kind="cycle_ending", key="cycle:9", context=_cycle_context(), due_on=due)
    assert sorted(Notification.objects.values_list("due_on", flat=True)) == [dt.date(2026, 1, 1), dt.date(2026, 4, 1)]
    assert len(mail.outbox) == 2


def test_the_same_key_for_another_person_is_another_notification(trainer, other_trainer):
    notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    notify(user=other_trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    assert Notification.objects.count() == 2


def test_nothing_is_emailed_before_the_transaction_commits(trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_an_unknown_kind_is_refused(trainer):
    with pytest.raises(ValueError):
        notify(user=trainer, kind="birthday", key="x", context={})


def test_running_the_send_twice_sends_once(trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        pk = notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    assert notification_send(notification_id=pk) is True
    assert notification_send(notification_id=pk) is False
    assert len(mail.outbox) == 1


def test_email_off_records_the_notification_without_sending(trainer, django_capture_on_commit_callbacks):
    trainer.notification_preferences = {"petition_decided": {"email": False, "in_app": True}}
    trainer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
        notify(user=trainer, kind="completion_added", key="completion:1", context={"provider": "Move Well"})
    assert [m.subject for m in mail.outbox] == ["Move Well reported a completed course"]
    row = Notification.objects.get(kind="petition_decided")
    assert row.email_status == Notification.SKIPPED and row.in_app


def test_a_plain_false_switches_both_channels_off(trainer, django_capture_on_commit_callbacks):
    trainer.notification_preferences = {"petition_decided": False}
    trainer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    row = Notification.objects.get()
    assert mail.outbox == [] and not row.in_app and row.email_status == Notification.SKIPPED


def test_unsubscribing_after_the_decision_stops_the_send(trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        pk = notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    trainer.notification_preferences = {"petition_decided": {"email": False}}
    trainer.save()
    assert notification_send(notification_id=pk) is False
    assert mail.outbox == [] and Notification.objects.get().email_status == Notification.SKIPPED


@pytest.fixture
def eager_retries():
    """Eager tasks re-run their retries in place only when they do not propagate errors (Celery's eager mode)."""
    from cectracker.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def test_smtp_failures_are_retried_until_the_email_goes(
    trainer, settings, eager_retries, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    row = Notification.objects.get()
    assert len(mail.outbox) == 1
    assert row.email_status == Notification.SENT and row.attempts == 3
    assert "SMTPServerDisconnected" in row.last_error


def test_a_failure_that_never_ends_leaves_the_row_pending_for_the_next_sweep(
    trainer, settings, eager_retries, django_capture_on_commit_callbacks
):
    from accounts.notifications.services import notification_send_task

    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    FlakyBackend.failures = 0
    row = Notification.objects.get()
    assert row.email_status == Notification.PENDING and row.sent_at is None
    assert row.attempts == notification_send_task.max_retries + 1
    assert mail.outbox == []


def test_the_task_retries_with_exponential_backoff_below_the_visibility_timeout():
    from django.conf import settings

    from accounts.notifications.services import notification_send_task as task

    assert task.retry_backoff == 30 and task.max_retries >= 5
    assert smtplib.SMTPException in task.autoretry_for
    assert task.retry_backoff_max <= settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] / 2


def test_the_email_has_text_html_and_one_click_unsubscribe(trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=trainer, kind="petition_decided", key="petition:1", context=CONTEXT)
    message = mail.outbox[0]
    assert message.to == [trainer.email]
    assert "ACE approved your petition" in message.body and "counts for 0.4" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<strong>approved</strong>" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/notifications/unsubscribe/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message.body and unsubscribe.strip("<>") in html


def test_values_are_escaped_in_html_but_not_in_text(trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=trainer, kind="petition_decided", key="p", context={**CONTEXT, "activity": "<b>R&D</b>"})
    message = mail.outbox[0]
    assert '"<b>R&D</b>"' in message.body
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in message.alternatives[0][0]


def test_an_inactive_person_is_not_emailed(django_capture_on_commit_callbacks):
    person = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=person, kind="petition_decided", key="petition:1", context=CONTEXT)
    assert mail.outbox == [] and Notification.objects.get().email_status == Notification.SKIPPED


def _cycle_context():
    return {
        "credential": "ACE-CPT",
        "organization": "ACE",
        "cycle_end": "January 14, 2027",
        "required": "2.00",
        "earned": "0.50",
        "remaining": "1.50",
        "unit": "CEC",
        "cpr_aed_ok": True,
        "days_left": 90,
    }


def test_many_reminders_are_claimed_once_each_on_postgresql_and_on_the_sqlite_of_make_run(trainer, monkeypatch):
    """The ledger's batch INSERT ... ON CONFLICT and its `AnyOf` reads write PostgreSQL's SQL (arrays) in CI and
    the plain VALUES / IN of `make run`'s SQLite: the same rows claimed, a duplicate skipped, on both."""
    from django.db import connection
    from django.db.models import F
    from django.db.utils import ConnectionHandler
    from django.utils import timezone

    import accounts.notifications.services as services
    from cectracker.lookups import AnyOf

    def claim(db, user_id):
        row = (user_id, "cycle_ending", "cycle:1", dt.date(2026, 3, 1), "Ends soon", "/c/1/", "{}", True, "pending")
        later = (*row[:3], dt.date(2026, 5, 1), *row[4:])
        monkeypatch.setattr(services, "connection", db)
        rows = [
            tuple(db.ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v for v in r)
            for r in (row, row, later)
        ]
        inserted = services._insert_new(rows=rows, now=timezone.now())
        query = Notification.objects.filter(AnyOf(F("user_id"), [user_id, 0]), AnyOf(F("key"), ["cycle:1"]))
        sql, params = query.values_list("due_on").query.get_compiler(connection=db).as_sql()
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            days = sorted(str(day) for (day,) in cursor.fetchall())
        return [status for _, status in inserted], days

    assert claim(connection, trainer.pk) == (["pending", "pending"], ["2026-03-01", "2026-05-01"])
    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    with sqlite.schema_editor() as editor:
        editor.create_model(Notification)
    sqlite.cursor().execute("PRAGMA foreign_keys = OFF")  # no user table here: the ledger's own SQL is the point
    assert claim(sqlite, 1) == (["pending", "pending"], ["2026-03-01", "2026-05-01"])
    sqlite.close()
