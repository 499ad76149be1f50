"""Benchmark: the daily reminder sweep over 100,000 certifications with activities.

Measures deciding and writing the ledger (candidates, engine, INSERT ... ON CONFLICT), not SMTP:
publishing the send tasks is replaced by a counter. Runs in a throw-away database
(`test_<name>` of DATABASE_URL, created and dropped here), so it never touches real data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cect_issue7 \
        .venv/bin/python bench/reminder_sweep.py [--certifications 100000] [--activities 5] [--all-due]

Prints the time and the number of queries of a first sweep and of a second sweep of the same day
(which must create nothing). Goal: the first sweep in <= 20 s.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

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
    notifications._enqueue = published.extend  # no broker, no SMTP: only deciding and the ledger
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        stats = reminders_sweep(as_of=AS_OF)
        elapsed = time.perf_counter() - began
    print(
        f"{label}: {elapsed:.2f} s, {len(queries)} queries; candidates={stats['candidates']} "
        f"decided={stats['decided']} created={stats['created']} requeued={stats['requeued']} "
        f"(would publish {len(published)} send tasks)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certifications", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=5, help="activities per person")
    parser.add_argument("--all-due", action="store_true", help="every cycle ends within 180 days")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL server")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with scopes_disabled():
            began = time.perf_counter()
            build(certifications=args.certifications, activities=args.activities, all_due=args.all_due)
            from certifications.models import Certification
            from credits.models import Activity

            print(
                f"data: {Certification.objects.count()} certifications, {Activity.objects.count()} activities "
                f"(built in {time.perf_counter() - began:.0f} s); as of {AS_OF}"
            )
            connection.cursor().execute("ANALYZE")
            sweep_once("first sweep ")
            sweep_once("second sweep")
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
