"""The daily sweep fanned out in Celery batches (issue 18): same reminders as one pass, each exactly once."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Notification
from certifications.reminders import _candidates, reminders_batch_task, reminders_sweep_fanout
from certifications.statements.models import CycleStatement

pytestmark = pytest.mark.django_db

ACE_END = dt.date(2027, 1, 14)  # ACE-CPT certified 2025-01-15, no grace


def test_batches_record_every_reminder_once_and_a_redelivered_batch_adds_nothing(certify):
    for _ in range(5):
        certify("ACE-CPT", dt.date(2025, 1, 15))
    as_of = ACE_END - dt.timedelta(days=90)
    stats = reminders_sweep_fanout(as_of=as_of, batch_size=2)
    assert (stats["candidates"], stats["batches"]) == (5, 3)
    assert Notification.objects.filter(kind="cycle_ending").count() == 5
    # A worker died after committing a batch: the broker hands the batch out again.
    candidates = _candidates(as_of=as_of)
    first, last = candidates[1][0], candidates[2][0]
    assert _candidates(as_of=as_of, first=first, last=last) == candidates[1:3]
    redelivered = reminders_batch_task(as_of=as_of.isoformat(), first=first, last=last)
    assert redelivered == {"skipped": 2, "decided": 0, "created": 0}
    # A message published before batches were ranges still runs.
    batch = [[c, cy, start.isoformat()] for c, cy, start in candidates[:2]]
    assert reminders_batch_task(as_of=as_of.isoformat(), batch=batch) == {"skipped": 2, "decided": 0, "created": 0}
    assert reminders_sweep_fanout(as_of=as_of, batch_size=2)["batches"] == 3
    assert Notification.objects.count() == 5


def test_the_sweep_reads_the_stored_totals(certify):
    from tests.factories import ActivityFactory

    met = certify("ACE-CPT", dt.date(2025, 1, 15))
    ActivityFactory(
        user=met.user,
        awarding_org="ACE",
        course_number="CA20001",
        amount=Decimal("2"),
        completed_on=dt.date(2025, 6, 1),
    )
    short = certify("ACE-CPT", dt.date(2025, 1, 15))
    assert CycleStatement.objects.get(certification=met).earned == Decimal("2.00")
    reminders_sweep_fanout(as_of=ACE_END - dt.timedelta(days=90))
    # Requirements met: nothing to tell; the other one hears the cycle is ending.
    assert list(Notification.objects.values_list("user_id", flat=True)) == [short.user_id]


def test_subjects_with_decimal_or_date_values_are_rendered_once_and_read_as_written():
    from accounts.notifications.services import _Titles

    titles, before = _Titles(), len(_Titles._rendered)
    context = {"credential": "ACE-CPT", "days_left": 30, "remaining": Decimal("1.50"), "unit": "CEC"}
    first = titles.render(kind="cycle_ending", context=context)
    assert (
        titles.render(kind="cycle_ending", context=dict(context))
        == first
        == "ACE-CPT: your cycle ends in 30 days, 1.50 CECs still missing"
    )
    assert len(_Titles._rendered) == before + 1  # the second one was a cache hit
    # 1.5 == 1.50 as numbers, but not as text: each keeps its own subject.
    assert titles.render(kind="cycle_ending", context={**context, "remaining": Decimal("1.5")}).endswith(
        "1.5 CECs still missing"
    )
    assert titles.render(kind="cycle_ending", context={**context, "days_left": 0, "remaining": dt.date(2027, 1, 14)})
    assert len(_Titles._rendered) == before + 3


def test_a_later_batch_finds_the_subjects_an_earlier_one_rendered():
    """Each batch renders with its own `_Titles`: the shared cache must still answer (keyed on the template,
    not on the wrapper `get_template` returns anew each time)."""
    from accounts.notifications.services import _Titles

    context = {"credential": "ACE-CPT", "days_left": 29, "remaining": "1.25", "unit": "CEC"}
    first = _Titles().render(kind="cycle_ending", context=context)
    before = len(_Titles._rendered)
    assert _Titles().render(kind="cycle_ending", context=dict(context)) == first
    assert len(_Titles._rendered) == before


def test_the_command_can_fan_the_batches_out_through_celery(certify, capsys):
    from django.core.management import call_command

    for _ in range(3):
        certify("ACE-CPT", dt.date(2025, 1, 15))
    call_command(
        "send_reminders", "--as-of", (ACE_END - dt.timedelta(days=90)).isoformat(), "--fanout", "--batch-size", "2"
    )
    assert "candidates=3 batches=2" in capsys.readouterr().out
    assert Notification.objects.filter(kind="cycle_ending").count() == 3


def test_a_batch_of_sends_emails_each_once_and_a_redelivered_batch_sends_nothing(
    certify, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.notifications.services import notifications_send_task

    for _ in range(3):
        certify("ACE-CPT", dt.date(2025, 1, 15))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep_fanout(as_of=ACE_END - dt.timedelta(days=90))
    assert len(mail.outbox) == 3
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Notification.SENT}
    assert notifications_send_task(notification_ids=ids) == 0  # a worker died after sending: redelivered
    assert len(mail.outbox) == 3
