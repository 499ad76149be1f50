"""The daily sweep: each reminder on its due day, once, with catch-up inside its window."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Notification
from certifications.reminders import reminders_sweep
from certifications.services import cycle_create
from tests.factories import ActivityFactory, MembershipFactory, PetitionFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.timedelta
# ACE-CPT certified 2025-01-15: cycle 2025-01-15 … 2027-01-14, no grace.
ACE_END = dt.date(2027, 1, 14)
# ACSM-CPT certified 2023-03-15: cycle … 2026-03-14, grace until 2026-09-14 (RULES §3 example).
ACSM_END, ACSM_GRACE = dt.date(2026, 3, 14), dt.date(2026, 9, 14)


def sweep(day, **kwargs):
    return reminders_sweep(as_of=day, **kwargs)


def ledger(kind=None):
    rows = Notification.objects.order_by("due_on", "pk")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.values_list("kind", "due_on"))


def ace_course(user, amount):
    return ActivityFactory(
        user=user,
        kind="approved_course",
        awarding_org="ACE",
        course_number="CA12345",
        amount=Decimal(amount),
        completed_on=dt.date(2025, 6, 1),
    )


@pytest.fixture
def ace(certify):
    return certify("ACE-CPT", dt.date(2025, 1, 15))


@pytest.fixture
def acsm(certify):
    return certify("ACSM-CPT", dt.date(2023, 3, 15))


def test_the_90_day_reminder_is_sent_on_day_90_not_91_and_not_again_on_89(ace):
    assert sweep(ACE_END - D(180))["created"] == 1
    assert sweep(ACE_END - D(91))["created"] == 0
    assert ledger() == [("cycle_ending", ACE_END - D(180))]
    assert sweep(ACE_END - D(90))["created"] == 1
    assert sweep(ACE_END - D(90))["created"] == 0  # the same day twice
    assert sweep(ACE_END - D(89))["created"] == 0
    assert ledger() == [("cycle_ending", ACE_END - D(180)), ("cycle_ending", ACE_END - D(90))]


@pytest.mark.parametrize("threshold", [180, 90, 30, 7])
def test_each_threshold_is_due_on_its_day_and_not_the_day_before(ace, threshold):
    assert sweep(ACE_END - D(threshold + 1))["created"] == (0 if threshold == 180 else 1)  # previous window
    Notification.objects.all().delete()
    assert sweep(ACE_END - D(threshold))["created"] == 1
    assert ledger() == [("cycle_ending", ACE_END - D(threshold))]
    assert sweep(ACE_END - D(threshold - 1))["created"] == 0


def test_a_missed_day_is_caught_up_once_inside_the_window(ace):
    """Beat was down on day 90: day 89 sends the 90-day reminder (once); the stale 180-day one is skipped."""
    assert sweep(ACE_END - D(89))["created"] == 1
    assert sweep(ACE_END - D(60))["created"] == 0
    assert ledger() == [("cycle_ending", ACE_END - D(90))]
    assert sweep(ACE_END - D(30))["created"] == 1
    assert sweep(ACE_END)["created"] == 1  # day 0 is still inside the 7-day window
    assert sweep(ACE_END + D(1))["created"] == 1  # the next day: expired (ACE has no grace)
    assert ledger() == [
        ("cycle_ending", ACE_END - D(90)),
        ("cycle_ending", ACE_END - D(30)),
        ("cycle_ending", ACE_END - D(7)),
        ("lapsed", ACE_END + D(1)),
    ]


def test_the_reminder_says_how_much_is_missing(ace, django_capture_on_commit_callbacks):
    ace_course(ace.user, "0.5")
    with django_capture_on_commit_callbacks(execute=True):
        sweep(ACE_END - D(90))
    [message] = mail.outbox
    assert message.subject == "ACE-CPT: your cycle ends in 90 days, 1.50 CECs still missing"
    assert "You have 0.50 of the 2.00 CECs required: 1.50 CECs are still missing." in message.body
    assert "Jan 14, 2027" in message.body
    page = reverse("certification_detail", args=[ace.pk])
    assert page in message.body  # the link goes to the certification's page
    notification = Notification.objects.get()
    assert notification.url == page and notification.context["remaining"] == "1.50"


def test_met_requirements_get_no_cycle_reminder(ace):
    ace_course(ace.user, "2.0")
    for days in (180, 90, 30, 7):
        sweep(ACE_END - D(days))
    assert ledger() == []


def test_a_renewed_cycle_gets_nothing_and_the_next_cycle_is_the_one_watched(ace):
    cycle = ace.cycles.get()
    cycle.recorded_status = "renewed"
    cycle.save()
    cycle_create(certification=ace, start=ACE_END + D(1))
    assert sweep(ACE_END - D(90))["candidates"] == 0
    assert sweep(ACE_END + D(1))["created"] == 0
    assert ledger() == []


def test_acsm_grace_started_grace_ending_and_lapsed(acsm, django_capture_on_commit_callbacks):
    assert sweep(ACSM_END)["created"] == 1  # the last day: still the 7-day reminder
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(ACSM_END + D(1))["created"] == 1
    assert sweep(ACSM_END + D(2))["created"] == 0
    assert sweep(ACSM_GRACE - D(31))["created"] == 0
    assert sweep(ACSM_GRACE - D(30))["created"] == 1
    assert sweep(ACSM_GRACE)["created"] == 0
    assert sweep(ACSM_GRACE + D(1))["created"] == 1
    assert sweep(ACSM_GRACE + D(2))["created"] == 0
    assert ledger()[1:] == [
        ("grace_started", ACSM_END + D(1)),
        ("grace_ending", ACSM_GRACE - D(30)),
        ("lapsed", ACSM_GRACE + D(1)),
    ]
    [message] = [m for m in mail.outbox if "grace period has started" in m.subject]
    assert "expired and inactive: do not present yourself as certified" in message.body
    assert "Sep 14, 2026" in message.body


def test_a_long_lapsed_certification_is_not_told_again_and_again(acsm):
    assert sweep(ACSM_GRACE + D(31))["created"] == 0
    assert sweep(dt.date(2029, 1, 1))["candidates"] == 0


def test_cpr_aed_expiring_before_the_cycle_ends(certify):
    valid_until = ACSM_END - D(200)
    certification = certify("ACSM-CPT", dt.date(2023, 3, 15), cpr=valid_until)
    assert sweep(valid_until - D(91))["created"] == 0
    assert sweep(valid_until - D(90))["created"] == 1
    assert sweep(valid_until - D(10))["created"] == 0
    assert ledger() == [("cpr_expiring", valid_until - D(90))]
    certification.cpr_aed_valid_until = valid_until + D(30)  # renewed, still too early: a new notice
    certification.save()
    assert sweep(valid_until)["created"] == 1


def test_cpr_aed_is_no_concern_for_ace(certify):
    certify("ACE-CPT", dt.date(2025, 1, 15), cpr=None)
    sweep(ACE_END - D(120))
    assert ledger() == [("cycle_ending", ACE_END - D(180))]


def test_preferences_are_respected_by_the_sweep(ace, django_capture_on_commit_callbacks):
    ace.user.notification_preferences = {"cycle_ending": {"email": False, "in_app": True}}
    ace.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        sweep(ACE_END - D(90))
    assert mail.outbox == []
    assert Notification.objects.get().email_status == Notification.SKIPPED


def test_queries_per_batch_do_not_grow_with_certifications(certify):
    def run(day):
        with CaptureQueriesContext(connection) as queries:
            stats = sweep(day, batch_size=1000)
        return stats, len(queries)

    for _ in range(3):
        certify("ACE-CPT", dt.date(2025, 1, 15))
    few = run(ACE_END - D(90))
    Notification.objects.all().delete()
    for _ in range(12):
        person = UserFactory()
        certify("ACE-CPT", dt.date(2025, 1, 15), user=person)
        certify("ACE-GFI", dt.date(2025, 1, 15), user=person)
        ActivityFactory(user=person, completed_on=dt.date(2025, 3, 1))
    many = run(ACE_END - D(90))
    assert few[0]["created"] == 3 and many[0]["created"] == 27
    assert many[1] == few[1]


def test_batches_split_the_work(certify):
    for _ in range(5):
        certify("ACE-CPT", dt.date(2025, 1, 15))
    with CaptureQueriesContext(connection) as one_batch:
        sweep(ACE_END - D(90), batch_size=100)
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as five_batches:
        assert sweep(ACE_END - D(90), batch_size=1)["created"] == 5
    per_batch = (len(five_batches) - len(one_batch)) / 4
    assert 0 < per_batch <= 10


def test_pending_emails_left_by_a_crash_are_sent_by_the_next_sweep(ace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # committed, but the task was never published
        sweep(ACE_END - D(90))
    assert mail.outbox == []
    Notification.objects.update(created_at=timezone.now() - D(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        stats = sweep(ACE_END - D(89))
    assert stats["requeued"] == 1 and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(ACE_END - D(89))["requeued"] == 0
    assert len(mail.outbox) == 1


def test_staff_digest_goes_to_the_organizations_staff_only(shipped, monkeypatch, django_capture_on_commit_callbacks):
    acsm, ace = shipped["ACSM"], shipped["ACE"]
    reviewer = MembershipFactory(organization=acsm, role=Membership.REVIEWER).user
    admin = MembershipFactory(organization=acsm, role=Membership.ADMIN).user
    ace_staff = MembershipFactory(organization=ace, role=Membership.REVIEWER).user
    petition = PetitionFactory(organization=acsm)
    yesterday = timezone.now() - D(days=1)
    type(petition).objects.filter(pk=petition.pk).update(created_at=yesterday)
    old = PetitionFactory(organization=acsm)
    type(old).objects.filter(pk=old.pk).update(created_at=yesterday - D(days=3))
    calls = []

    def awaiting(*, organization_ids):
        calls.append(sorted(organization_ids))
        return {acsm.pk: 2}

    monkeypatch.setattr("audits.selectors.audits_awaiting_review", awaiting)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(today)["digests"] == 2
        assert sweep(today)["digests"] == 0
    assert calls == [sorted([acsm.pk, ace.pk])] * 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reviewer.email, admin.email])
    assert ace_staff.email not in {m.to[0] for m in mail.outbox}
    message = mail.outbox[0]
    assert message.subject == "Daily digest: 1 new petition, 2 audits awaiting review"
    assert "ACSM: 1 new petition pending" in message.body
    assert Notification.objects.filter(kind="staff_digest", due_on=today).count() == 2


def test_no_digest_when_nothing_is_waiting(shipped):
    MembershipFactory(organization=shipped["ACE"], role=Membership.ADMIN)
    assert sweep(timezone.localdate())["digests"] == 0


def test_the_management_command_runs_the_sweep_for_a_date(ace, capsys):
    call_command("send_reminders", "--as-of", (ACE_END - D(90)).isoformat())
    assert "created=1" in capsys.readouterr().out
    assert ledger() == [("cycle_ending", ACE_END - D(90))]


def test_the_management_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--as-of", "01/02/2026")


def test_beat_runs_the_sweep_daily():
    from django.conf import settings

    from certifications.reminders import reminders_sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["reminders-daily-sweep"]
    assert entry["task"] == reminders_sweep_task.name
    assert entry["schedule"].hour == {13} and entry["schedule"].minute == {0}


def test_the_sweep_runs_where_scopes_are_enforced(ace, shipped, monkeypatch):
    """Workers run outside any request scope: the sweep must not rely on the tests' disabled scopes."""
    from django_scopes import scope

    monkeypatch.setattr("audits.selectors.audits_awaiting_review", lambda *, organization_ids: {})
    MembershipFactory(organization=shipped["ACE"], role=Membership.ADMIN)
    with scope(_enabled=True):  # no organization at all, as in a worker
        assert sweep(ACE_END - D(90))["created"] == 1


@pytest.mark.urls("tests.notifications.urls_with_detail")
def test_reminders_link_to_the_certification_page_when_it_exists(ace):
    sweep(ACE_END - D(90))
    assert Notification.objects.get().url == f"/certifications/{ace.pk}/"


def test_a_certification_already_told_today_is_not_evaluated_again_but_a_new_reminder_still_goes(ace, monkeypatch):
    """The skip before evaluating: every reminder its dates allow is in the ledger → no engine run;
    one of them missing (here CPR/AED, due later than the cycle-ending one) → evaluated and sent."""
    import certifications.reminders as reminders

    assert sweep(ACE_END - D(90))["created"] == 1
    evaluated = []
    real = reminders.certifications_progress
    monkeypatch.setattr(
        reminders,
        "certifications_progress",
        lambda *, certifications, as_of: (
            evaluated.extend(certifications) or real(certifications=certifications, as_of=as_of)
        ),
    )
    stats = sweep(ACE_END - D(89))
    assert (stats["skipped"], stats["created"], evaluated) == (1, 0, [])
    ace.cpr_aed_valid_until = ACE_END - D(10)  # ACE has no CPR/AED condition: nothing more is due
    ace.save()
    assert sweep(ACE_END - D(88))["skipped"] == 0 and [c.pk for c in evaluated] == [ace.pk]
    assert ledger() == [("cycle_ending", ACE_END - D(90))]
