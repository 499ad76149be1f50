"""Benchmark: the daily reminder sweep, and a rule-set publish recomputing every stored statement.

Measures deciding and writing the ledger (candidates, stored totals, INSERT ... ON CONFLICT), not SMTP:
in this process publishing the send tasks is replaced by a counter; the workers started here consume only
the bench's queue, so the send tasks they publish are never run (the Redis db is emptied at the end).
Runs in a throw-away database (`bench_<name>` of DATABASE_URL, created and dropped here).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cect_h18 REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/reminder_sweep.py [--certifications 20000] [--all-due] [--workers 1,2] [--full]

`--full` is the issue's size: 100,000 certifications, all due. Prints, for one and for two Celery worker
processes: a publish touching every cycle (statements marked stale, recomputed in batches) and the sweep
fanned out in batches; then the in-process sweep and a second sweep of the same day (which creates nothing).
Each first sweep finds the ledger as a day's sweep does in production: earlier reminders, none of today's,
vacuumed and analyzed.
Goals (issue 18): 100,000 all due in <= 10 s with two workers.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from bench.workers import Workers  # noqa: E402
from bench.workers import database_url as workers_database_url  # noqa: E402

AS_OF = date(2026, 6, 1)


def build(*, certifications: int, activities: int, all_due: bool, seed: int = 7) -> None:
    from accounts.models import User
    from certifications.defaults import load_defaults
    from certifications.models import Certification, Credential, Cycle
    from certifications.rules.engine import cycle_for, version_in_force
    from certifications.selectors import rule_versions
    from credits.models import Activity

    rnd = random.Random(seed)
    load_defaults()
    credentials = list(Credential.objects.select_related("organization"))
    versions = rule_versions()
    people = max(1, int(certifications / 1.4))  # some hold two credentials, as trainers do
    users = User.objects.bulk_create(
        [User(email=f"bench{i}@example.com", password="!", name=f"Bench {i}") for i in range(people)],
        batch_size=5000,
    )
    certs, starts, seen = [], [], set()
    while len(certs) < certifications:
        user = users[len(certs) % people] if len(certs) < people else rnd.choice(users)
        credential = rnd.choice(credentials)
        if (user.pk, credential.pk) in seen:
            continue
        seen.add((user.pk, credential.pk))
        params = version_in_force(versions=versions[credential.organization_id], on=AS_OF).params
        # Cycles spread evenly: today falls anywhere in the cycle or its grace period; --all-due puts
        # every cycle's end within 180 days, the worst case for the sweep.
        if all_due:
            start = AS_OF - timedelta(days=365 * params.cycle_years - rnd.randrange(180))
        else:
            start = AS_OF - timedelta(days=rnd.randrange(365 * params.cycle_years + 210))
        certs.append(
            Certification(
                user=user,
                credential=credential,
                number=f"B{len(certs):07d}",
                certified_on=start,
                cpr_aed_valid_until=AS_OF + timedelta(days=rnd.randrange(-200, 1500)),
            )
        )
        starts.append((start, params))
    certs = Certification.objects.bulk_create(certs, batch_size=5000)
    Cycle.objects.bulk_create(
        [
            Cycle(certification=c, start=s, end=d.end, grace_until=d.grace_until)
            for c, (s, p) in zip(certs, starts, strict=True)
            for d in [cycle_for(start=s, params=p)]
        ],
        batch_size=5000,
    )
    kinds = ["approved_course", "other_org_course", "cpr", "college_course", "teaching"]
    rows = []
    for user in users:
        for _ in range(activities):
            kind = rnd.choice(kinds)
            rows.append(
                Activity(
                    user=user,
                    kind=kind,
                    completed_on=AS_OF - timedelta(days=rnd.randrange(1200)),
                    amount=Decimal(rnd.randrange(1, 30)).scaleb(-1),
                    hours=Decimal(rnd.randrange(1, 8)),
                    awarding_org=rnd.choice(["ACE", "ACSM", "NASM"]) if kind.endswith("course") else "",
                    course_number=f"CA{rnd.randrange(10000, 99999)}" if kind == "approved_course" else "",
                    credit_hours=Decimal(3) if kind == "college_course" else None,
                    term="semester" if kind == "college_course" else "",
                    grade="B" if kind == "college_course" else "",
                )
            )
        if len(rows) >= 20000:
            Activity.objects.bulk_create(rows)
            rows = []
    Activity.objects.bulk_create(rows)


def sweep_once(label: str) -> None:
    import accounts.notifications.services as notifications
    from certifications.reminders import reminders_sweep

    published = []
    real = notifications._enqueue
    notifications._enqueue = published.extend  # no broker, no SMTP: only deciding and the ledger
    try:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            stats = reminders_sweep(as_of=AS_OF)
            elapsed = time.perf_counter() - began
    finally:
        notifications._enqueue = real
    print(
        f"{label}: {elapsed:.2f} s, {len(queries)} queries; candidates={stats['candidates']} "
        f"decided={stats['decided']} created={stats['created']} requeued={stats['requeued']} "
        f"(would publish {len(published)} send tasks)"
    )


QUEUE = "bench-sweep"


def _queue_length(redis_url: str) -> int:
    import redis

    return redis.Redis.from_url(redis_url).llen(QUEUE)


def publish_in_batches(redis_url: str, batch_size: int) -> float:
    """A publish touching every cycle: every statement marked stale, recomputed by the workers in batches;
    seconds until none is stale."""
    from celery import group

    from certifications.models import Certification
    from certifications.statements.models import CycleStatement
    from certifications.statements.services import statements_refresh_task

    began = time.perf_counter()
    CycleStatement.objects.update(stale=True)
    ids = list(Certification.objects.order_by("pk").values_list("pk", flat=True))
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    group(statements_refresh_task.s(certification_ids=b).set(queue=QUEUE) for b in batches).apply_async()
    while CycleStatement.objects.filter(stale=True).exists():
        time.sleep(0.05)
    return time.perf_counter() - began


def sweep_in_batches(redis_url: str, batch_size: int) -> tuple[float, int]:
    """The sweep fanned out as a group of batch tasks; seconds until the last batch committed, reminders."""
    from celery import group

    from accounts.models import Notification
    from certifications.reminders import _candidates, _ranges, reminders_batch_task

    history = _fresh_ledger()
    began = time.perf_counter()
    batches = _ranges(_candidates(as_of=AS_OF), batch_size)  # as reminders_sweep_fanout publishes them
    group(
        reminders_batch_task.s(as_of=AS_OF.isoformat(), first=first, last=last).set(queue=QUEUE)
        for first, last in batches
    ).apply_async()
    # Done when the queue is empty and no worker runs a task; the time is that of the last commit seen (counted
    # every 20 ms). The ledger is counted only once the queue is empty (its last few batches): counting it
    # throughout took a core's tenth from the workers it was timing. The workers are asked whether they are busy
    # only after a second without a new row: asking takes half a second, in which the last commit went unseen
    # (the figure was up to a second late).
    while _queue_length(redis_url):
        time.sleep(0.05)
    last_count, last_change = -1, time.perf_counter()
    while True:
        count, now = Notification.objects.count(), time.perf_counter()
        if count != last_count:
            last_count, last_change = count, now
        elif now - last_change > 1 and _queue_length(redis_url) == 0 and not _busy():
            if Notification.objects.count() == count:
                return last_change - began, count - history
        time.sleep(0.02)


def _fresh_ledger() -> int:
    """The ledger as a day's sweep finds it in production: an earlier cycle's reminder per certification (sent,
    read) and nothing of today, the database vacuumed and analyzed as autovacuum leaves it. Returns its rows.

    Without the vacuum a sweep ran among the dead rows of the previous sweep and of the publish that had just
    rewritten every statement (24 s against 11 s for 100,000 on one worker). An empty ledger misled too: with no
    statistics of it, the planner scanned the whole ledger for a batch's earlier reminders (23 ms a batch; with
    them, an index scan of 0.4 ms), which a production ledger, never empty, does not."""
    from accounts.models import Notification

    Notification.objects.all().delete()
    earlier = timezone.make_aware(datetime.combine(AS_OF - timedelta(days=400), datetime.min.time()))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_notification (user_id, kind, key, due_on, title, url, context, in_app, "
            "email_status, sent_at, attempts, last_error, read_at, created_at) "
            "SELECT user_id, 'cycle_ending', 'cycle:' || (id + 10000000), %s, 'An earlier cycle ends in 30 days', "
            "'', '{}', true, 'sent', %s, 1, '', %s, %s FROM certifications_certification",
            [AS_OF - timedelta(days=400), earlier, earlier, earlier],
        )
        cursor.execute("VACUUM ANALYZE")
    return Notification.objects.count()


def _busy() -> bool:
    from cectracker.celery import app

    inspect = app.control.inspect(timeout=0.5)
    replies = [inspect.active() or {}, inspect.reserved() or {}]
    return any(tasks for reply in replies for tasks in reply.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certifications", type=int, default=20_000)
    parser.add_argument("--activities", type=int, default=5, help="activities per person")
    parser.add_argument("--all-due", action="store_true", help="every cycle ends within 180 days")
    parser.add_argument("--full", action="store_true", help="the issue's size: 100,000 certifications, all due")
    parser.add_argument("--workers", default="1,2", help="worker process counts to compare (empty: none)")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    if args.full:
        args.certifications, args.all_due = 100_000, True
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL server")
    redis_url = os.environ.get("REDIS_URL", "")
    workers = [int(n) for n in args.workers.split(",") if n.strip()] if redis_url else []
    if args.workers and not redis_url:
        print("REDIS_URL not set: no worker figures", file=sys.stderr)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    database_url = workers_database_url(connection)
    try:
        with scopes_disabled():
            from certifications.models import Certification
            from certifications.statements.services import statements_refresh
            from credits.models import Activity

            began = time.perf_counter()
            build(certifications=args.certifications, activities=args.activities, all_due=args.all_due)
            print(
                f"data: {Certification.objects.count()} certifications, {Activity.objects.count()} activities "
                f"(built in {time.perf_counter() - began:.0f} s); as of {AS_OF}"
            )
            began = time.perf_counter()
            ids = list(Certification.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), args.batch_size):
                statements_refresh(certification_ids=ids[start : start + args.batch_size])
            print(f"statements computed in this process: {time.perf_counter() - began:.1f} s")
            began = time.perf_counter()
            from certifications.statements.models import CycleStatement
            from certifications.statements.services import statements_refresh_task

            CycleStatement.objects.update(stale=True)
            for start in range(0, len(ids), args.batch_size):
                statements_refresh_task(certification_ids=ids[start : start + args.batch_size])
            print(
                f"publish recomputing every statement, batches run in this process: {time.perf_counter() - began:.1f} s"
            )
            connection.cursor().execute("ANALYZE")
            from cectracker.celery import app

            app.conf.task_always_eager = False  # the batches go to the workers (test settings run tasks inline)
            for count in workers:
                with Workers(count, database_url=database_url, redis_url=redis_url, queues=QUEUE):
                    publish = publish_in_batches(redis_url, args.batch_size)
                    elapsed, created = sweep_in_batches(redis_url, args.batch_size)
                print(
                    f"{count} worker(s): publish recomputing {len(ids):,} certifications' statements {publish:.1f} s; "
                    f"sweep fanned out {elapsed:.2f} s, {created:,} reminders"
                )
            _fresh_ledger()
            sweep_once("in-process sweep   ")
            sweep_once("second sweep       ")
    finally:
        if redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()  # the send tasks nobody consumed
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
