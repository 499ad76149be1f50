"""A bulk report keeps the matched people's stored statements in step without making the provider wait for the
engine: stale in the request's transaction, recomputed by Celery batches after commit (issue 18)."""

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cectracker.celery import app
from certifications.models import Credential
from certifications.statements.models import CycleStatement
from certifications.statements.services import statements_drift
from tests.factories import CertificationFactory, UserFactory
from tests.provider.test_completions import URL, rec, report

pytestmark = pytest.mark.django_db


def holders(count: int, *, start: int = 0) -> list:
    """People with a verified email and an ACE certification (its statement stored), numbered from `start`."""
    credential = Credential.objects.get(code="ACE-CPT")
    people = []
    for i in range(start, start + count):
        user = UserFactory(email=f"holder{i}@example.com")
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        CertificationFactory(user=user, credential=credential, number=f"ACE-H{i:04d}", certified_on=dt.date(2025, 1, 1))
        people.append(user)
    return people


def records_for(people, *, start: int = 0) -> list[dict]:
    """One completion each, half named by email and half by certification number, and one stranger each."""
    out = []
    for i, _ in enumerate(people, start=start):
        named = {"attendee_email": f"holder{i}@example.com"} if i % 2 else {"certification_number": f"ace-h{i:04d}"}
        out += [rec(**named), rec(attendee_email=f"stranger{i}@example.com")]
    return out


def test_a_bulk_report_marks_statements_stale_and_its_batches_bring_them_in_step(
    api_a, course_a, django_capture_on_commit_callbacks
):
    people = holders(4)
    certifications = [p.certifications.get() for p in people]
    assert CycleStatement.objects.filter(certification__in=certifications, stale=False).count() == 4
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        body = report(api_a, *records_for(people)).json()
    assert (body["matched"], body["pending"]) == (4, 4)
    # Committed with the report: stale (a read recomputes it on demand), the recomputation queued, not run.
    assert CycleStatement.objects.filter(certification__in=certifications, stale=True).count() == 4
    assert callbacks
    for callback in callbacks:  # what the commit hands to Celery (eager here): the batches and the emails
        callback()
    assert not CycleStatement.objects.filter(certification__in=certifications, stale=True).exists()
    assert statements_drift(certification_ids=[c.pk for c in certifications]) == []
    assert {s.earned for s in CycleStatement.objects.filter(certification__in=certifications)} == {Decimal("0.80")}


def test_a_report_runs_the_same_queries_whatever_its_size(api_a, course_a):
    """Set-based: bulk lookups and inserts, no query per record (the 10,000-record bench relies on it)."""
    small, large = holders(2), holders(20, start=2)
    api_a.get("/api/v1/provider/courses")  # the key's first use of the minute records last_used_at, once
    with CaptureQueriesContext(connection) as few:
        assert report(api_a, *records_for(small), HTTP_IDEMPOTENCY_KEY="few").json()["matched"] == 2
    with CaptureQueriesContext(connection) as many:
        assert report(api_a, *records_for(large, start=2), HTTP_IDEMPOTENCY_KEY="many").json()["matched"] == 20
    assert statements(many) == statements(few)


def statements(queries) -> list[str]:
    """The start of each SQL statement run, savepoint names left out."""
    return [re.sub(r'"s\d+_x\d+"', "", q["sql"])[:60] for q in queries.captured_queries]


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_runs_the_follow_up_of_a_report(celery_worker_env, celery_worker_process, course_a, key_a):
    """The request returns with the statements stale and the emails pending; a worker does both."""
    from accounts.notifications.models import Notification
    from tests.provider.conftest import client_for

    people = holders(3)
    certifications = [p.certifications.get() for p in people]
    worker = celery_worker_process()
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        response = client_for(key_a[1]).post(URL, {"completions": records_for(people)}, format="json")
    finally:
        app.conf.task_always_eager = eager
    assert response.json()["matched"] == 3
    deadline = time.monotonic() + 60
    while (
        CycleStatement.objects.filter(certification__in=certifications, stale=True).exists()
        or Notification.objects.filter(kind="completion_added", email_status="sent").count() < 3
    ):
        assert time.monotonic() < deadline, "the worker did not run the report's follow-up:\n" + worker.output()
        time.sleep(0.2)
    assert statements_drift(certification_ids=[c.pk for c in certifications]) == []
