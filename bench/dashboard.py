"""Benchmark: the trainer dashboard for 5 certifications and 1,000 activities (queries and milliseconds).

Run against a migrated database: `DJANGO_SETTINGS_MODULE=cectracker.settings.local .venv/bin/python bench/dashboard.py`.
Everything it creates is rolled back."""

import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from accounts.models import User  # noqa: E402
from certifications.defaults import load_defaults  # noqa: E402
from certifications.models import Credential  # noqa: E402
from certifications.rules import add_years  # noqa: E402
from certifications.services import certification_add  # noqa: E402
from credits.models import Activity  # noqa: E402


class Rollback(Exception):
    pass


def main(runs: int = 20) -> None:
    try:
        with transaction.atomic(), scopes_disabled():
            load_defaults()
            user = User.objects.create_user("bench-dashboard@example.com", "bench-password-123")
            start = add_years(timezone.localdate(), -1)
            for code in ("ACE-CPT", "ACE-GFI", "ACE-HC", "ACSM-CPT", "ACSM-EP"):
                certification_add(
                    actor=user, user=user, credential=Credential.objects.get(code=code), certified_on=start
                )
            kinds = ["approved_course", "other_org_course", "cpr", "teaching", "college_course"]
            Activity.objects.bulk_create(
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
                for i in range(1000)
            )
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            client.get("/dashboard/")  # warm up (parsed rule sets are cached)
            timings = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get("/dashboard/")
                    timings.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
            print(f"dashboard, 5 certifications x 1,000 activities: {len(queries)} queries")
            print(f"  median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms over {runs} requests")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
