"""Benchmark: a provider reports 10,000 completions in one API request; what it waits on, and what runs after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cectracker REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/provider_bulk.py [--completions 10000] [--workers 1,2] [--no-spreadsheet]

Runs on a throwaway database (bench_<name>, created and dropped here); with REDIS_URL, that Redis db is emptied.

Half the records name someone who has an account (by verified email or by ACE certification number, half each)
and holds an ACE certification whose stored statements the report changes; the other half nobody yet (pending).

1. The whole path a provider waits on: POST /api/v1/provider/completions through the full Django stack (API key,
   throttle, the Idempotency-Key claimed in its own transaction, the body checked record by record, bulk
   lookups and inserts, the matched people's statements marked stale, the action log, the answer stored for
   replays, the tasks published on commit) until the response. Goal (issue 18): within 10x a raw bulk_create
   of the same number of Activity rows, timed in the same run (best of three, so the ratio errs high).
2. What runs after, in Celery, not waited on: the "completions added" notifications (a ledger row, then
   a send task, per person) and the stale statements recomputed in batches. Each part timed apart in this
   process, then, with REDIS_URL, the same tasks drained by real worker processes; then checked: no stored
   statement differs from a fresh engine evaluation.
3. The same completions as an .xlsx through the provider portal (upload, preview, the report task itself);
   its notifications are published to the broker, not run (their cost is the figure of part 2)."""

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the in-process client's host

from allauth.account.models import EmailAddress  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench.workers import Workers, database_url  # noqa: E402
from cectracker.celery import app  # noqa: E402

GOAL = 10
COMPLETED_ON = "2026-03-14"
CERTIFIED_ON = date(2025, 1, 1)  # the ACE cycle 2025-01-01 ... 2026-12-31 holds the reported date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--completions", type=int, default=10_000, help="records in the one request (max 10,000)")
    parser.add_argument("--workers", default="1", help="worker process counts for part 2, e.g. 1,2 (empty: none)")
    parser.add_argument("--no-spreadsheet", action="store_true", help="skip part 3 (the portal's .xlsx roster)")
    args = parser.parse_args()
    redis_url = settings.REDIS_URL
    workers = [int(n) for n in args.workers.split(",") if n.strip()] if redis_url else []
    if args.workers and not redis_url:
        print("REDIS_URL not set: no worker figures (the in-memory transport stands in)", file=sys.stderr)
    # bench_<name>, not test_<name>: the test suite may run on the same server at the same time.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with scopes_disabled():
            run(n=args.completions, workers=workers, spreadsheet=not args.no_spreadsheet)
    finally:
        if redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()  # whatever was published and not consumed
        connection.creation.destroy_test_db(test_db.removeprefix("file:"), verbosity=0)


class Published:
    """Counts the Celery messages published, by task name (the request's follow-up work)."""

    def __init__(self) -> None:
        from celery.signals import before_task_publish

        self.counts: dict[str, int] = {}
        before_task_publish.connect(self._count, weak=False)

    def _count(self, sender=None, **kwargs) -> None:
        self.counts[sender] = self.counts.get(sender, 0) + 1

    def take(self) -> dict[str, int]:
        counts, self.counts = self.counts, {}
        return counts


class Queries:
    """Counts the SQL statements run, cheaply (no SQL text kept, unlike CaptureQueriesContext)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def build(*, n: int):
    """The provider, its course, n // 2 people with an account and an ACE certification (stored statements
    computed), and the n records of the report."""
    from accounts.models import Provider, User
    from accounts.services import provider_api_key_create
    from certifications.defaults import load_defaults
    from certifications.models import Certification, Credential, Cycle
    from certifications.rules.engine import cycle_for, version_in_force
    from certifications.selectors import rule_versions
    from certifications.statements.services import REFRESH_BATCH, statements_refresh
    from credits.models import Activity, ApprovedCourse

    ace = {o.short_name: o for o in load_defaults()}["ACE"]
    provider = Provider.objects.create(organization=ace, name="Bench Provider")
    admin = User.objects.create_user("bench-admin@example.com")
    _, raw_key = provider_api_key_create(actor=admin, provider=provider, name="bench")
    ApprovedCourse.objects.create(
        organization=ace, provider=provider, course_number="CEP100001", title="Bench course", amount="0.5"
    )
    people = User.objects.bulk_create([User(email=f"attendee{i}@example.com") for i in range(n // 2)])
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in people])
    credential = Credential.objects.get(code="ACE-CPT")
    params = version_in_force(versions=rule_versions()[ace.pk], on=CERTIFIED_ON).params
    certifications = Certification.objects.bulk_create(
        [
            Certification(user=u, credential=credential, number=f"ACE-B{i:06d}", certified_on=CERTIFIED_ON)
            for i, u in enumerate(people)
        ]
    )
    span = cycle_for(start=CERTIFIED_ON, params=params)
    Cycle.objects.bulk_create(
        [Cycle(certification=c, start=span.start, end=span.end, grace_until=span.grace_until) for c in certifications]
    )
    Activity.objects.bulk_create(  # what they had logged before: two courses each
        [
            Activity(user=u, kind="approved_course", completed_on=day, amount="0.4", course_number=number)
            for u in people
            for day, number in ((date(2025, 3, 1), "CA11111"), (date(2025, 9, 1), "CA22222"))
        ]
    )
    ids = sorted(c.pk for c in certifications)
    for start in range(0, len(ids), REFRESH_BATCH):
        statements_refresh(certification_ids=ids[start : start + REFRESH_BATCH])
    records = []
    for i in range(n):
        record = {"record_id": f"r{i}", "course_number": "CEP100001", "completed_on": COMPLETED_ON}
        known = i < n // 2
        if i % 2 == 0:
            record["attendee_email"] = f"attendee{i}@example.com" if known else f"stranger{i}@example.com"
        else:
            record["certification_number"] = f"ACE-B{i:06d}" if known else f"ACE-X{i:06d}"
        records.append(record)
    return provider, admin, raw_key, people, ids, records


def run(*, n: int, workers: list[int], spreadsheet: bool) -> None:
    from credits.models import Activity, ProviderCompletion

    began = time.perf_counter()
    provider, admin, raw_key, people, certification_ids, records = build(n=n)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"data: {len(people):,} people with an account and an ACE certification (statements stored), "
        f"{n:,} records to report (built in {time.perf_counter() - began:.0f} s)"
    )
    connection.cursor().execute("ANALYZE")
    body = json.dumps({"completions": records})

    # --- 1. the request ---------------------------------------------------------------------------------
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    app.conf.task_always_eager = False  # publish the follow-up tasks, as production does (test settings: inline)
    client.get("/api/v1/provider/courses")  # a warm process, as a server's is: imports and URL resolving done
    published, queries = Published(), Queries()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        response = client.generic(
            "POST", "/api/v1/provider/completions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="b-1"
        )
        request_seconds = time.perf_counter() - started
    messages = published.take()
    answer = response.json()
    assert response.status_code == 200, answer
    assert (answer["accepted"], answer["matched"], answer["pending"]) == (n, n // 2, n - n // 2), answer
    assert ProviderCompletion.objects.count() == n and Activity.objects.filter(provider=provider).count() == n // 2
    request_id = answer["request_id"]

    started = time.perf_counter()
    replay = client.generic(
        "POST", "/api/v1/provider/completions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="b-1"
    )
    replay_seconds = time.perf_counter() - started
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json() == answer
    raw_seconds = raw_bulk_create(people=people, provider=provider, n=n)

    ratio = request_seconds / raw_seconds
    print(f"1. what the provider waits on: POST /api/v1/provider/completions, {n:,} records, to the response")
    print(f"   request ({n // 2:,} matched, {n - n // 2:,} pending):  {request_seconds:.2f} s, {queries.count} queries")
    print(f"   raw bulk_create of {n:,} Activity rows (best of 3): {raw_seconds:.2f} s")
    print(f"   ratio: {ratio:.1f}x (goal: within {GOAL}x) -> {'met' if ratio <= GOAL else 'NOT met'}")
    print(f"   replay of the same Idempotency-Key (the stored answer): {replay_seconds:.2f} s")
    print(f"   published on commit: {', '.join(f'{count} x {name}' for name, count in sorted(messages.items()))}")

    # --- 2. what runs after ------------------------------------------------------------------------------
    _broker_empty()  # the messages of the request: part 2 publishes the same work again, once per run
    print("2. what runs after, in Celery (not waited on by the provider):")
    in_process(request_id=request_id, certification_ids=certification_ids, people=len(people))
    for count in workers:
        seconds, sent = on_workers(count, request_id=request_id, certification_ids=certification_ids)
        print(
            f"   on {count} real worker process(es): everything drained in {seconds:.1f} s "
            f"({sent:,} emails sent, {len(certification_ids):,} certifications recomputed)"
        )
    drift = _drift(certification_ids)
    print(f"   stored statements against a fresh engine evaluation: {len(drift)} cycle(s) differ")
    assert not drift, drift[:5]

    if spreadsheet:
        spreadsheet_path(provider=provider, actor=admin, n=n, request_seconds=request_seconds)


def raw_bulk_create(*, people, provider, n: int) -> float:
    """The floor: n Activity rows in one bulk_create in one transaction (best of 3; each run rolled back)."""
    from credits.models import Activity

    best = None
    for _ in range(3):
        rows = [
            Activity(
                user=people[i % len(people)],
                kind="approved_course",
                title="Bench course",
                completed_on="2026-03-15",
                amount="0.5",
                course_number="CEP100001",
                awarding_org="ACE",
                source=Activity.PROVIDER,
                provider=provider,
            )
            for i in range(n)
        ]
        with transaction.atomic():
            started = time.perf_counter()
            Activity.objects.bulk_create(rows)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        best = seconds if best is None else min(best, seconds)
    return best


def _reset(*, request_id: str, certification_ids: list[int]) -> None:
    """Undo what the follow-up did, so the next run does it all again: the report's ledger rows gone,
    the touched statements stale again (as the request left them)."""
    from accounts.notifications.models import Notification
    from certifications.statements.models import CycleStatement

    Notification.objects.filter(key__startswith=f"completions:{request_id}:").delete()
    CycleStatement.objects.filter(certification_id__in=certification_ids).update(stale=True)


def in_process(*, request_id: str, certification_ids: list[int], people: int) -> None:
    """Each part of the follow-up run here, one after the other, timed apart."""
    import accounts.notifications.services as notifications
    from accounts.notifications.models import Notification
    from certifications.statements.models import CycleStatement
    from certifications.statements.services import REFRESH_BATCH, statements_refresh_task
    from credits.providers.services import completions_notify_task

    _reset(request_id=request_id, certification_ids=certification_ids)
    sends: list[int] = []
    real, notifications._enqueue = notifications._enqueue, sends.extend  # keep the send tasks' ids, run below
    try:
        started = time.perf_counter()
        with transaction.atomic():
            told = completions_notify_task(request_id=request_id)
        notify_seconds = time.perf_counter() - started
    finally:
        notifications._enqueue = real
    started = time.perf_counter()
    for notification_id in sends:
        notifications.notification_send_task(notification_id=notification_id)
    send_seconds = time.perf_counter() - started
    assert told == people and Notification.objects.filter(email_status="sent").count() == people
    stale = CycleStatement.objects.filter(stale=True).count()
    batches = [certification_ids[i : i + REFRESH_BATCH] for i in range(0, len(certification_ids), REFRESH_BATCH)]
    started = time.perf_counter()
    for batch in batches:
        statements_refresh_task(certification_ids=batch)
    refresh_seconds = time.perf_counter() - started
    assert not CycleStatement.objects.filter(stale=True).exists()
    print(
        f"   in this process: notify task ({told:,} people, a ledger INSERT each) {notify_seconds:.2f} s; "
        f"{len(sends):,} send tasks (render + email, locmem backend) {send_seconds:.2f} s; "
        f"{len(batches)} statement batches ({stale:,} stale statements) {refresh_seconds:.2f} s; "
        f"total {notify_seconds + send_seconds + refresh_seconds:.2f} s"
    )


def on_workers(count: int, *, request_id: str, certification_ids: list[int]) -> tuple[float, int]:
    """Publish the follow-up again (as the request's commit does) and time `count` real workers draining it:
    until every email of the report is sent and no touched statement is stale."""
    from accounts.notifications.models import Notification
    from certifications.statements.models import CycleStatement
    from certifications.statements.services import statements_recompute_enqueue
    from credits.providers.services import completions_notify_task

    _reset(request_id=request_id, certification_ids=certification_ids)
    ledger = Notification.objects.filter(key__startswith=f"completions:{request_id}:")
    people = len(certification_ids)  # one certification each
    with Workers(count, database_url=database_url(connection), redis_url=settings.REDIS_URL):
        started = time.perf_counter()
        with transaction.atomic():
            completions_notify_task.delay_on_commit(request_id=request_id)
            statements_recompute_enqueue(certification_ids=certification_ids)
        while (
            ledger.filter(email_status="sent").count() < people
            or CycleStatement.objects.filter(certification_id__in=certification_ids, stale=True).exists()
        ):
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    return seconds, ledger.filter(email_status="sent").count()


def _broker_empty() -> None:
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).flushdb()


def _drift(certification_ids: list[int]) -> list[str]:
    from certifications.statements.services import REFRESH_BATCH, statements_drift

    drift: list[str] = []
    for start in range(0, len(certification_ids), REFRESH_BATCH):
        drift += statements_drift(certification_ids=certification_ids[start : start + REFRESH_BATCH])
    return drift


# --- 3. the provider portal's roster file (issue 13): the same completions as an .xlsx, uploaded, previewed and
# reported through the same service, timed beside the API request above.
def spreadsheet_path(*, provider, actor, n: int, request_seconds: float) -> None:
    import io
    import tempfile

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from credits.models import ProviderCompletion
    from credits.providers import roster, services

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-rosters-")
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Roster")
    sheet.append(list(roster.FIELDS.values()))
    for i in range(n):
        email = f"attendee{i}@example.com" if i < n // 2 else f"stranger{i}@example.com"
        sheet.append([email, "", "CEP100001", "2026-03-16", None, f"x{i}"])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    before = ProviderCompletion.objects.count()

    started = time.perf_counter()
    upload = services.roster_upload_create(actor=actor, provider=provider, upload=SimpleUploadedFile("r.xlsx", data))
    upload_seconds = time.perf_counter() - started
    started = time.perf_counter()
    sheet_read = roster.stored_sheet(upload.file.name)
    records = roster.roster_records(sheet=sheet_read, mapping=upload.mapping)
    checks = services.completion_records_check(provider=provider, records=records)
    preview_seconds = time.perf_counter() - started
    assert sum(1 for c in checks if c["status"] == "accepted" and not c["duplicate"]) == n
    published = Published()
    services.roster_upload_submit(actor=actor, upload=upload)  # publishes the report task (not run: eager is off)
    started = time.perf_counter()
    upload = services.roster_upload_process(upload_id=upload.pk)  # what that task runs on a worker
    report_seconds = time.perf_counter() - started
    messages = published.take()
    assert upload.state == "done", upload.error
    assert (upload.summary["matched"], upload.summary["pending"]) == (n // 2, n - n // 2), upload.summary
    assert ProviderCompletion.objects.count() == before + n
    _broker_empty()
    print(f"3. spreadsheet, {n:,}-row .xlsx ({len(data) / 1024:.0f} KB) through the portal's roster path:")
    print(f"   upload request (content checks, parse, store): {upload_seconds:.2f} s")
    print(f"   preview page (parse again, check every row): {preview_seconds:.2f} s")
    print(
        f"   report task, in Celery while the page polls (parse again, completions_report in chunks of "
        f"{services.ROSTER_CHUNK:,}): {report_seconds:.2f} s; "
        f"published: {', '.join(f'{count} x {name}' for name, count in sorted(messages.items()))} (not run here)"
    )
    total = upload_seconds + preview_seconds + report_seconds
    print(f"   total {total:.2f} s = {total / request_seconds:.1f}x the API request")


if __name__ == "__main__":
    main()
