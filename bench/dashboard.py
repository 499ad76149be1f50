"""Benchmark: the trainer dashboard, the activities page, the `?limit=50` API list and logging one activity,
each beside the baseline (a plain DRF list of 50 rows, `bench/baseline.py`), for several history sizes.

    DATABASE_URL=postgres://... DJANGO_SETTINGS_MODULE=cectracker.settings.local \\
        .venv/bin/python bench/dashboard.py [--sizes 5x1000,20x2000] [--full] [--runs 10]

`--full` runs the issue's sizes (5x1,000, 5x5,000, 5x10,000, 20x10,000: several minutes on a loaded machine).
Goals (issue 18): dashboard <= 3x the baseline at 5x1,000 and <= 4x at 20x10,000; activities page and API
list <= 2x at any size; a write <= 3x at 5x1,000. Everything it creates is rolled back."""

import argparse
import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")
# Measured as production serves: DEBUG off. With it on, every query is recorded and WhiteNoise rescans the static
# files on each request, which doubled the baseline here and hid the pages' own cost in the ratios.
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.baseline import baseline_urls, beside_baseline  # noqa: E402
from certifications.defaults import load_defaults  # noqa: E402
from certifications.models import Credential  # noqa: E402
from certifications.rules import add_years  # noqa: E402
from certifications.services import certification_add  # noqa: E402
from certifications.statements.services import statements_refresh  # noqa: E402
from credits.models import Activity  # noqa: E402

CODES = ("ACE-CPT", "ACE-GFI", "ACE-HC", "ACSM-CPT", "ACSM-EP")
FULL = "5x1000,5x5000,5x10000,20x10000"


class Rollback(Exception):
    pass


def build(certifications: int, activities: int) -> User:
    user = User.objects.create_user(f"bench-dashboard-{certifications}-{activities}@example.com", "bench-pw-123")
    start = add_years(timezone.localdate(), -1)
    credentials = list(Credential.objects.filter(code__in=CODES).order_by("code"))
    for index in range(len(credentials), certifications):  # more than the shipped ones: extra ACSM credentials
        model = credentials[index % len(credentials)]
        credentials.append(
            Credential.objects.create(
                organization=model.organization, code=f"BENCH-{index}", name=f"Bench {index}", required=model.required
            )
        )
    for credential in credentials[:certifications]:
        certification_add(actor=user, user=user, credential=credential, certified_on=start)
    kinds = ["approved_course", "other_org_course", "cpr", "teaching", "college_course"]
    Activity.objects.bulk_create(
        (
            Activity(
                user=user,
                kind=kinds[i % 5],
                awarding_org="ACE" if i % 2 else "ACSM",
                course_number=f"CA{10000 + i}",
                amount=Decimal("0.10"),
                hours=Decimal("1"),
                credit_hours=Decimal("1"),
                term="semester",
                grade="B",
                completed_on=start + timedelta(days=i % 360),
            )
            for i in range(activities)
        ),
        batch_size=5000,
    )
    statements_refresh(user_ids=[user.pk])  # a bulk write says what it touched, as the product's bulk paths do
    if connection.vendor == "postgresql":  # as autovacuum would after a bulk load: the planner needs the sizes
        tables = "credits_activity, certifications_statementline, certifications_cyclestatement"
        connection.cursor().execute(f"ANALYZE {tables}")
    return user


def measure(certifications: int, activities: int, runs: int) -> None:
    try:
        with transaction.atomic(), scopes_disabled():
            user = build(certifications, activities)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                client.get("/dashboard/")
            print(f"{certifications} certifications x {activities:,} activities (each figure beside the baseline):")
            pages = [
                ("dashboard", "/dashboard/", len(queries)),
                ("activities page", "/activities/", None),
                ("API ?limit=50", "/api/v1/activities/?limit=50", None),
            ]
            for name, url, count in pages:
                ms, base, status = beside_baseline(client, url, runs)
                assert status == 200, (url, status)
                extra = f", {count} queries" if count is not None else ""
                print(f"  {name:16s} {ms:8.1f} ms  {ms / base:5.1f}x the baseline ({base:.1f} ms){extra}")
            day = timezone.localdate().isoformat()
            body = {"kind": "teaching", "title": "Bench", "amount": "0.50", "completed_on": day}
            ms, base, status = beside_baseline(client, "/api/v1/activities/", runs, method="post", data=body)
            assert status == 201, status
            print(f"  {'log an activity':16s} {ms:8.1f} ms  {ms / base:5.1f}x the baseline ({base:.1f} ms)")
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5x1000,20x2000", help="certifications x activities, comma-separated")
    parser.add_argument("--full", action="store_true", help=f"the issue's sizes ({FULL})")
    parser.add_argument("--runs", type=int, default=10, help="requests per figure (median)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)  # a fresh database works as it is
    with transaction.atomic(), scopes_disabled():
        load_defaults()
    with baseline_urls():
        for size in (FULL if args.full else args.sizes).split(","):
            certifications, activities = (int(part) for part in size.lower().split("x"))
            measure(certifications, activities, args.runs)


if __name__ == "__main__":
    main()
