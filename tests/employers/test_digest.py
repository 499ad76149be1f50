"""The weekly digest to employers' admins: once per week per admin, however often the task runs."""

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.notifications.models import Notification
from accounts.notifications.services import unsubscribe_token
from employers.digest import employer_digests_send, employer_digests_task, week_of
from tests.employers.conftest import certify, link_and_share

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def roster(shipped, gym, gym_admin, gym_manager, trainer, other_trainer):
    """Trainer's ACE-CPT ends 30 days after MONDAY; the other's CPR/AED ends in 45; nothing else due."""
    ending = certify(
        trainer, "ACE-CPT", start=MONDAY + dt.timedelta(days=30) - dt.timedelta(days=730) + dt.timedelta(days=1)
    )
    cpr = certify(other_trainer, "ACSM-CPT", start=MONDAY - dt.timedelta(days=100), cpr=MONDAY + dt.timedelta(days=45))
    link_and_share(employer=gym, actor=gym_admin, trainer=trainer, certifications=[ending])
    link_and_share(employer=gym, actor=gym_admin, trainer=other_trainer, certifications=[cpr])
    return ending, cpr


def test_week_of_is_the_monday():
    assert week_of(dt.date(2026, 12, 6)) == MONDAY == week_of(MONDAY)


def test_digest_lists_who_lapses_or_loses_cpr_and_goes_to_admins_once_a_week(
    roster, gym_admin, gym_manager, django_capture_on_commit_callbacks
):
    ending, _ = roster
    with django_capture_on_commit_callbacks(execute=True):
        assert employer_digests_send(as_of=MONDAY) == 1
        assert employer_digests_send(as_of=MONDAY) == 0  # run twice
        assert employer_digests_task(as_of=(MONDAY + dt.timedelta(days=3)).isoformat()) == 0  # same week
    [message] = mail.outbox
    assert message.to == [gym_admin.email]  # admins only, not managers
    assert message.subject == "Northside Fitness: 2 trainer certifications need attention in the next 60 days"
    end = ending.cycles.get().end
    assert f"Tess Trainer, ACE-CPT: expires on {end + dt.timedelta(days=1):%Y-%m-%d} unless renewed" in message.body
    assert f"Otto Other, ACSM-CPT: CPR/AED expires on {MONDAY + dt.timedelta(days=45):%Y-%m-%d}" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        assert employer_digests_send(as_of=MONDAY + dt.timedelta(days=7)) == 1  # next week: again
    assert Notification.objects.filter(kind="employer_digest").count() == 2


def test_withdrawn_certifications_leave_the_digest(roster, gym_admin, trainer, other_trainer):
    from employers.models import Consent
    from employers.services import consent_withdraw

    for consent in Consent.objects.all():
        consent_withdraw(user=consent.link.user, consent=consent)
    assert employer_digests_send(as_of=MONDAY) == 0


def test_unsubscribing_stops_the_digest_email(roster, gym_admin, django_capture_on_commit_callbacks):
    token = unsubscribe_token(user=gym_admin, kind="employer_digest")
    assert Client().post(reverse("notification_unsubscribe", args=[token])).status_code in (200, 302)
    with django_capture_on_commit_callbacks(execute=True):
        employer_digests_send(as_of=MONDAY)
    assert mail.outbox == []
    assert Notification.objects.get(kind="employer_digest").email_status == Notification.SKIPPED


@pytest.mark.postgres
@pytest.mark.redis
def test_the_task_through_a_real_worker_sends_each_admin_one_email(celery_worker_env, celery_worker_process, tmp_path):
    from accounts.models import Membership
    from cectracker.celery import app
    from certifications.defaults import load_defaults
    from employers.services import employer_create
    from tests.employers.conftest import employer_staff
    from tests.factories import UserFactory

    load_defaults()
    gym = employer_create(name="Worker Gym", slug="worker-gym", short_name="WorkerGym")
    admins = [employer_staff(gym, Membership.ADMIN, f"admin{i}@worker.test") for i in range(2)]
    trainer = UserFactory(name="Wendy Worker")
    cert = certify(trainer, "ACE-CPT", start=MONDAY - dt.timedelta(days=700))
    link_and_share(employer=gym, actor=admins[0], trainer=trainer, certifications=[cert])
    worker = celery_worker_process()
    for _ in range(2):
        app.send_task("employers.tasks.employer_digests_task", kwargs={"as_of": MONDAY.isoformat()})
    maildir = tmp_path / "mail"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(maildir.glob("*"))) < 2:
        time.sleep(0.2)
    time.sleep(1.5)  # the second run has had time to (not) add anything
    files = list(maildir.glob("*")) if maildir.exists() else []
    assert len(files) == 2, worker.output()
    recipients = sorted(re.search(r"^To: (.+)$", f.read_text(), re.M).group(1) for f in files)
    assert recipients == sorted(a.email for a in admins)
    assert Notification.objects.filter(kind="employer_digest", email_status="sent").count() == 2
