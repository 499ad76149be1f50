"""Stored cycle statements (issue 18): written by the engine on every write, read by every page, checked nightly."""

import datetime as dt
import logging
import threading
import time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certifications.models import Cycle
from certifications.rulesets.services import ruleset_draft_create, ruleset_publish
from certifications.selectors import certifications_progress, user_progress
from certifications.statements.models import CycleStatement, StatementLine
from certifications.statements.selectors import statements_progress, statements_user_progress
from certifications.statements.services import (
    statements_drift,
    statements_refresh_task,
    statements_verify_task,
)
from credits.models import Activity
from credits.selectors import activity_applications, activity_applications_stored
from credits.services import activity_create, activity_delete, activity_update
from tests.certifications.conftest import certify, earn, years_ago

pytestmark = pytest.mark.django_db


def teach(user, amount, on):
    return activity_create(
        actor=user, user=user, kind="teaching", title="Taught", amount=Decimal(amount), completed_on=on
    )


def stored_earned(certification) -> Decimal:
    return CycleStatement.objects.get(cycle=certification.cycles.order_by("-start").first()).earned


def test_each_write_recomputes_the_statement_in_its_own_transaction(shipped, trainer, today):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    assert stored_earned(acsm) == 0
    first = teach(trainer, "3", today - dt.timedelta(days=10))
    assert stored_earned(acsm) == Decimal("3.00")
    activity_update(
        actor=trainer,
        activity=first,
        kind="teaching",
        title="Taught",
        amount=Decimal("5"),
        completed_on=first.completed_on,
    )
    assert stored_earned(acsm) == Decimal("5.00")
    line = StatementLine.objects.get(activity=first)
    assert (line.applied, line.reason, line.completed_on) == (Decimal("5.00"), "", first.completed_on)
    activity_delete(actor=trainer, activity=first)
    assert stored_earned(acsm) == 0 and not StatementLine.objects.exists()
    assert not CycleStatement.objects.filter(stale=True).exists()
    assert CycleStatement.objects.get().version >= 4  # one recomputation per write


def test_a_failed_write_leaves_the_statement_as_it_was(shipped, trainer, today):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    teach(trainer, "2", today - dt.timedelta(days=3))
    with pytest.raises(RuntimeError), transaction.atomic():
        teach(trainer, "1", today - dt.timedelta(days=2))
        assert stored_earned(acsm) == Decimal("3.00")  # inside the transaction: already recomputed
        raise RuntimeError
    assert stored_earned(acsm) == Decimal("2.00")


def test_the_store_answers_what_the_engine_answers_for_every_cycle_and_day(shipped, trainer, today):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 3, 2))  # in grace now
    ace = certify(trainer, "ACE-CPT", start=years_ago(today, 1))
    for months in range(0, 40, 3):
        earn(trainer, "1.5", years_ago(today, 0, months))
        earn(trainer, "0.2", years_ago(today, 0, months), org="ACE")
    for as_of in (today, today + dt.timedelta(days=200), years_ago(today, 1)):
        stored = statements_progress(certifications=[acsm, ace], as_of=as_of, all_cycles=True)
        fresh = certifications_progress(certifications=[acsm, ace], as_of=as_of, all_cycles=True)
        assert [(p.result.earned, p.result.status, p.result.remaining) for p in stored] == [
            (p.result.earned, p.result.status, p.result.remaining) for p in fresh
        ]
    assert statements_drift(certification_ids=[acsm.pk, ace.pk]) == []


def test_activity_applications_from_the_store_equal_the_engines_including_outside_every_cycle(shipped, trainer, today):
    certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    certify(trainer, "ACE-CPT", start=years_ago(today, 0, 6))
    earn(trainer, "2", years_ago(today, 0, 2))
    earn(trainer, "1", years_ago(today, 0, 9))  # before ACE's cycle: outside it
    earn(trainer, "1", years_ago(today, 3))  # before both
    teach(trainer, "4", today - dt.timedelta(days=1))
    fresh = activity_applications(user=trainer)
    assert activity_applications_stored(user=trainer) == fresh
    some = sorted(fresh)[:2]
    assert activity_applications_stored(user=trainer, activity_ids=some) == {pk: fresh[pk] for pk in some}


def test_a_write_outside_the_services_is_caught_by_the_model_and_a_bulk_write_by_a_stale_mark(shipped, trainer, today):
    from certifications.statements.services import statements_mark_stale

    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    Activity.objects.create(user=trainer, kind="teaching", amount=Decimal("1"), completed_on=today)  # admin, shell
    assert stored_earned(acsm) == Decimal("1.00")
    Activity.objects.bulk_create([Activity(user=trainer, kind="teaching", amount=Decimal("2"), completed_on=today)])
    statements_mark_stale(user_ids=[trainer.pk])  # what bulk paths (provider reports) do
    assert CycleStatement.objects.get().stale
    [progress] = statements_user_progress(user=trainer)  # the read recomputes it first
    assert progress.result.earned == Decimal("3.00") and not CycleStatement.objects.get().stale


def test_publishing_a_rule_set_marks_statements_stale_and_batches_recompute_them(
    shipped, trainer, other_trainer, admin_b, today, django_capture_on_commit_callbacks
):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    other = certify(other_trainer, "ACSM-CPT", start=years_ago(today, 1))
    earn(trainer, "2", today)
    organization = shipped["ACSM"]
    draft = ruleset_draft_create(actor=admin_b, organization=organization)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ruleset_publish(
            actor=admin_b, organization=organization, version_id=draft.pk, effective_from=today + dt.timedelta(days=1)
        )
    assert CycleStatement.objects.filter(stale=True).count() == 2 and len(callbacks) == 1
    # Before the batch runs, a read recomputes on demand (and only what it reads).
    statements_user_progress(user=trainer)
    assert list(CycleStatement.objects.filter(stale=True).values_list("certification_id", flat=True)) == [other.pk]
    assert statements_refresh_task(certification_ids=[acsm.pk, other.pk]) == 1  # only the stale one
    assert not CycleStatement.objects.filter(stale=True).exists()
    assert statements_drift(certification_ids=[acsm.pk, other.pk]) == []


def test_verify_reports_drift_and_the_nightly_task_logs_it_as_an_error(shipped, trainer, today, caplog):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    earn(trainer, "2", today)
    call_command("verify_statements")  # in step: no error
    CycleStatement.objects.filter(certification=acsm).update(earned=Decimal("40"))  # drift, as a bad write makes
    with pytest.raises(CommandError, match="1 drifted cycle"):
        call_command("verify_statements", "--sample", "1")
    with caplog.at_level(logging.ERROR, logger="certifications.statements.services"):
        assert statements_verify_task() == 1
    assert "statement drift" in caplog.text and "stored 40.00/45.00" in caplog.text
    with pytest.raises(CommandError, match="--sample must be 1 or more"):
        call_command("verify_statements", "--sample", "0")


def test_renewing_recomputes_both_cycles_and_the_transcript_reads_the_store(client, shipped, trainer, today):
    from certifications.services import certification_renew

    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 3, -1))  # ends within a month
    earn(trainer, "45", today - dt.timedelta(days=5))
    certification_renew(actor=trainer, certification=acsm, on=today)
    old, new = acsm.cycles.order_by("start")
    assert CycleStatement.objects.get(cycle=old).earned == Decimal("45.00")
    assert CycleStatement.objects.get(cycle=new).earned == 0
    assert statements_drift(certification_ids=[acsm.pk]) == []
    client.force_login(trainer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/cycles/{old.pk}/")
    assert response.status_code == 200 and response.json()["earned"] == "45.00"
    assert not any("credits_petition" in q["sql"] for q in queries.captured_queries)  # no evaluation ran


@pytest.mark.parametrize("activities", [10, 300])
def test_the_dashboard_reads_the_same_queries_whatever_the_history(client, shipped, trainer, today, activities):
    for code in ("ACE-CPT", "ACSM-CPT"):
        certify(trainer, code, start=years_ago(today, 1))
    Activity.objects.bulk_create(
        Activity(user=trainer, kind="teaching", amount=Decimal("0.1"), completed_on=today - dt.timedelta(days=i % 300))
        for i in range(activities)
    )
    from certifications.statements.services import statements_refresh

    statements_refresh(user_ids=[trainer.pk])
    client.force_login(trainer)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    # No activity row is read to draw the page: the totals and the chart come from the statements.
    assert not any(
        '"credits_activity"' in q["sql"] and "statementline" not in q["sql"] for q in queries.captured_queries
    )
    stored = [p.result.earned for p in statements_user_progress(user=trainer)]
    assert stored == [p.result.earned for p in user_progress(user=trainer)]


def test_the_api_list_reads_only_the_lines_of_the_page(client, shipped, trainer, today):
    certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    Activity.objects.bulk_create(
        Activity(user=trainer, kind="teaching", amount=Decimal("0.1"), completed_on=today - dt.timedelta(days=i % 300))
        for i in range(120)
    )
    from certifications.statements.services import statements_refresh

    statements_refresh(user_ids=[trainer.pk])
    client.force_login(trainer)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/activities/?limit=5").json()
    assert len(body["results"]) == 5
    line_queries = [q["sql"] for q in queries.captured_queries if "statementline" in q["sql"]]
    assert line_queries and all(" IN (" in sql and "activity_id" in sql for sql in line_queries)
    applied = {r["id"]: r["applications"][0]["applied"] for r in body["results"]}
    fresh = activity_applications(user=trainer)
    assert applied == {pk: str(fresh[pk][0].applied) for pk in applied}


@pytest.mark.postgres
def test_two_writes_to_one_cycle_at_once_leave_it_in_step(transactional_db, shipped, trainer, today):
    """Two transactions log an activity for the same person at the same moment: the second waits on the
    certification's row lock, then evaluates both, so the stored statement counts both."""
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    ready, errors = threading.Barrier(2), []

    def log(amount):
        try:
            ready.wait(timeout=10)
            with transaction.atomic():
                teach(trainer, amount, today)
                if amount == "1":
                    time.sleep(0.3)  # the first writer holds its lock a moment longer
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=log, args=(amount,)) for amount in ("1", "2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert stored_earned(acsm) == Decimal("3.00")
    assert statements_drift(certification_ids=[acsm.pk]) == []


def test_a_cycle_recorded_by_hand_shows_its_status_from_the_store(shipped, trainer, today):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    Cycle.objects.filter(certification=acsm).update(recorded_status=Cycle.EMERITUS)  # no signal: status is live
    [progress] = statements_user_progress(user=trainer)
    assert progress.result.status == "emeritus"


def test_logging_an_activity_after_all_others_is_appended_from_the_stored_engine_state(
    shipped, trainer, today, monkeypatch
):
    """The newest activity is applied from each cycle's stored engine state (caps used, courses credited, the
    level held), not by evaluating the history again; the result is the engine's, cap by cap."""
    from certifications.statements import services

    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 2, 6))  # an earlier cycle, now renewed or not
    ace = certify(trainer, "ACE-CPT", start=years_ago(today, 1))
    refreshed = []
    real_refresh = services.statements_refresh
    monkeypatch.setattr(services, "statements_refresh", lambda **kw: refreshed.append(kw) or real_refresh(**kw))
    start = years_ago(today, 0, 11)
    writes = [
        dict(kind="teaching", amount=Decimal("9"), title="Taught a lot"),  # hits ACE's teaching cap over the year
        dict(kind="teaching", amount=Decimal("9"), title="Taught again"),
        dict(kind="approved_course", awarding_org="ACE", course_number="CA12345", amount=Decimal("0.5"), title="A"),
        dict(kind="approved_course", awarding_org="ACE", course_number="CA12345", amount=Decimal("0.5"), title="B"),
        dict(kind="cpr", title="CPR class", hours=Decimal("4")),
        dict(kind="other_org_course", awarding_org="NASM", hours=Decimal("8"), title="NASM course"),
    ]
    for offset, values in enumerate(writes):
        activity_create(actor=trainer, user=trainer, completed_on=start + dt.timedelta(days=30 * offset), **values)
        assert refreshed == [{"user_ids": set(), "certification_ids": set()}] * (offset + 1)  # nothing recomputed
        assert statements_drift(certification_ids=[acsm.pk, ace.pk]) == []
    assert StatementLine.objects.filter(reason="duplicate_course").count() >= 1  # the course credited once
    assert StatementLine.objects.filter(reason="cap_reached").exists()  # the cap came from the stored state


def test_an_activity_dated_before_the_newest_one_recomputes_the_cycle(shipped, trainer, today):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    newest = teach(trainer, "2", today - dt.timedelta(days=5))
    version = CycleStatement.objects.get(certification=acsm).version
    teach(trainer, "1", today - dt.timedelta(days=50))  # earlier than the newest: caps and order may change
    statement = CycleStatement.objects.get(certification=acsm)
    assert statement.version == version + 1 and statement.earned == Decimal("3.00")
    assert statement.engine_state["last"] == [newest.completed_on.isoformat(), newest.pk]
    assert statements_drift(certification_ids=[acsm.pk]) == []


def test_the_chart_is_stored_per_week_and_older_per_day_sums_are_regrouped(shipped, trainer, today):
    import importlib

    from django.apps import apps

    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    statement = CycleStatement.objects.get(cycle=acsm.cycles.get())
    monday = statement.start + dt.timedelta(days=7 * 10)
    for offset in (0, 2, 6, 7):  # three days of the cycle's eleventh week, and the first of its twelfth
        teach(trainer, "1", monday + dt.timedelta(days=offset))
    statement.refresh_from_db()
    assert statement.weekly == [[monday.isoformat(), "3.00"], [(monday + dt.timedelta(days=7)).isoformat(), "1.00"]]
    assert not statements_drift(certification_ids=[acsm.pk])

    # A statement written before the chart was kept per week held one entry per day: the migration adds them up.
    days = [[(monday + dt.timedelta(days=offset)).isoformat(), "1.00"] for offset in (0, 2, 6, 7)]
    CycleStatement.objects.filter(pk=statement.pk).update(weekly=days)
    importlib.import_module("certifications.migrations.0009_statement_weekly").regroup(apps, None)
    statement.refresh_from_db()
    assert statement.weekly == [[monday.isoformat(), "3.00"], [(monday + dt.timedelta(days=7)).isoformat(), "1.00"]]
    assert not statements_drift(certification_ids=[acsm.pk])
