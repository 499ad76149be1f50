"""Benchmark: the employer roster page, its CSV and the roster API for N trainers (queries and milliseconds).

Each trainer shares one certification (ACE or ACSM) and has 20 activities. Run against a migrated database:
`DJANGO_SETTINGS_MODULE=cectracker.settings.local .venv/bin/python bench/employer_roster.py [trainers ...]`
(default 500 and 2000). Everything it creates is rolled back."""

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
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from accounts.models import Membership, User  # noqa: E402
from certifications.defaults import load_defaults  # noqa: E402
from certifications.models import Credential  # noqa: E402
from certifications.services import certification_add  # noqa: E402
from credits.models import Activity  # noqa: E402
from employers.models import Consent, Link  # noqa: E402
from employers.services import employer_api_key_create, employer_create  # noqa: E402


class Rollback(Exception):
    pass


def timed(client, url, runs, **headers):
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url, **headers)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return len(queries), statistics.median(timings), max(timings)


def bench(trainers: int, runs: int = 5) -> None:
    try:
        with transaction.atomic(), scopes_disabled():
            load_defaults()
            gym = employer_create(name="Bench Gym", slug="bench-gym", short_name="BenchGym")
            admin = User.objects.create_user("bench-gym@example.com", "bench-password-123")
            Membership.objects.create(user=admin, organization=gym, role=Membership.ADMIN)
            credentials = [Credential.objects.get(code="ACE-CPT"), Credential.objects.get(code="ACSM-CPT")]
            today, now = timezone.localdate(), timezone.now()
            activities, consents = [], []
            for i in range(trainers):
                user = User.objects.create(email=f"bench-trainer-{i}@example.com", name=f"Trainer {i:05d}")
                start = today - timedelta(days=i % 900)
                cert = certification_add(actor=user, user=user, credential=credentials[i % 2], certified_on=start)
                link = Link.objects.create(organization=gym, email=user.email, user=user, answered_at=now)
                consents.append(Consent(link=link, certification=cert, granted_at=now))
                activities += [
                    Activity(
                        user=user,
                        kind="approved_course",
                        awarding_org="ACSM",
                        amount=Decimal("1.5"),
                        completed_on=start + timedelta(days=j * 10),
                    )  # fmt: skip
                    for j in range(20)
                ]
            Consent.objects.bulk_create(consents)
            Activity.objects.bulk_create(activities, batch_size=5000)
            _, key = employer_api_key_create(actor=admin, organization=gym, name="bench")
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(admin)
            with override_settings(CECT_REQUIRE_MFA_FOR_ADMINS=False, CECT_EMPLOYER_API_RATE="100000/min"):
                client.get("/employer/bench-gym/")  # warm up
                for label, url, headers in (
                    ("roster page 1", "/employer/bench-gym/", {}),
                    ("roster last page", f"/employer/bench-gym/?page={max(trainers // 50, 1)}", {}),
                    ("roster CSV", "/employer/bench-gym/roster.csv", {}),
                    ("API, 200 rows", "/api/v1/employer/roster?limit=200", {"HTTP_AUTHORIZATION": f"Bearer {key}"}),
                ):
                    count, median, worst = timed(client, url, runs, **headers)
                    figures = f"{count:>3} queries, median {median:6.0f} ms, max {worst:6.0f} ms"
                    print(f"{trainers:>6} trainers, {label:<17} {figures}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or [500, 2000]:
        bench(n)
