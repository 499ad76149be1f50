"""A rule-set publish recomputes the stale statements through a real Celery worker on Redis (issue 18)."""

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from cectracker.celery import app
from certifications.defaults import load_defaults
from certifications.rulesets.services import ruleset_draft_create, ruleset_publish
from certifications.statements.models import CycleStatement
from certifications.statements.services import statements_drift
from tests.certifications.conftest import certify, earn, years_ago
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def publish_to_the_broker():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # publish to Redis: the worker runs the batches
    yield
    app.conf.task_always_eager = eager


def test_a_publish_marks_statements_stale_and_a_worker_recomputes_them(
    celery_worker_env, celery_worker_process, publish_to_the_broker
):
    acsm = {o.short_name: o for o in load_defaults()}["ACSM"]
    today = timezone.localdate()
    people = [UserFactory() for _ in range(3)]
    certifications = [certify(person, "ACSM-CPT", start=years_ago(today, 1)) for person in people]
    earn(people[0], "3", today)
    admin = UserFactory()
    worker = celery_worker_process()
    with transaction.atomic():
        draft = ruleset_draft_create(actor=admin, organization=acsm)
        ruleset_publish(
            actor=admin, organization=acsm, version_id=draft.pk, effective_from=today + dt.timedelta(days=1)
        )
        assert CycleStatement.objects.filter(stale=True).count() == 3  # stale in the publishing transaction
    deadline = time.monotonic() + 60
    while CycleStatement.objects.filter(stale=True).exists():
        assert time.monotonic() < deadline, "the worker did not recompute the statements:\n" + worker.output()
        time.sleep(0.2)
    assert "certifications.statements.refresh_task" in worker.output()
    assert statements_drift(certification_ids=[c.pk for c in certifications]) == []
    assert CycleStatement.objects.get(certification=certifications[0]).version >= 2
