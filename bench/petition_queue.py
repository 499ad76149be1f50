"""Benchmark: the petition queue with 10,000 petitions, page by page (goal: <= 200 ms, <= 12 queries).

Run: DJANGO_SETTINGS_MODULE=cectracker.settings.test DATABASE_URL=... .venv/bin/python bench/petition_queue.py
Works in one transaction that is rolled back: the database is left as it was.

The petitions come from 500 trainers holding the organization's two credentials (one trainer made every
join trivial), and the tables are ANALYZEd after seeding so the planner sees the real sizes; the
credential filter is measured too."""

import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")


def seed_petitions(*, organization, count: int, user=None, users=None) -> None:
    """`count` petitions to `organization` on activities of `users` (round robin; or of one `user`), a third
    of them decided."""
    import datetime as dt

    from credits.models import Activity, Petition

    users = users or [user]

    activities = Activity.objects.bulk_create(
        Activity(
            user=users[i % len(users)],
            kind="other_org_course",
            title=f"Workshop {i}",
            completed_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
            hours=Decimal("3"),
        )
        for i in range(count)
    )
    statuses = (Petition.PENDING, Petition.PENDING, Petition.APPROVED, Petition.DENIED)
    Petition.objects.bulk_create(
        Petition(
            organization=organization,
            activity=a,
            hours=Decimal("3"),
            description="A workshop.",
            status=statuses[i % len(statuses)],
        )
        for i, a in enumerate(activities)
    )


def main() -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from accounts.models import Membership, Organization, User
    from certifications.models import Certification, Credential

    setup_test_environment()

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic(), scopes_disabled():
            org = Organization.objects.create(slug="bench-org", name="Bench", short_name="BENCH")
            reviewer = User.objects.create_user("bench-reviewer@example.com", "x")
            Membership.objects.create(user=reviewer, organization=org, role=Membership.REVIEWER)
            t0 = time.perf_counter()
            trainers = User.objects.bulk_create(
                [User(email=f"bench-trainer{i}@example.com", password="!") for i in range(500)]
            )
            credentials = [
                Credential.objects.create(organization=org, code=f"BENCH-{n}", name=f"Bench {n}", required=Decimal(2))
                for n in (1, 2)
            ]
            Certification.objects.bulk_create(
                Certification(user=t, credential=credentials[i % 2], certified_on=date(2024, 1, 1))
                for i, t in enumerate(trainers)
            )
            seed_petitions(organization=org, users=trainers, count=10_000)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"seeded 10,000 petitions from 500 trainers in {time.perf_counter() - t0:.1f} s (analyzed)")
            client = Client()
            client.force_login(reviewer)
            url = reverse("org_petitions", args=[org.slug])
            timings = []
            for params in (
                {},
                {"page": "2"},
                {"status": "pending"},
                {"status": "pending", "page": "50"},
                {"page": "200"},
                {"age": "7"},
                {"credential": str(credentials[0].pk)},
                {"credential": str(credentials[0].pk), "status": "pending", "page": "10"},
            ):
                client.get(url, params)  # warm
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url, params)
                    elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, response.status_code
                timings.append(elapsed)
                print(f"page {params or '{}'}: {elapsed:.1f} ms, {len(queries)} queries")
            print(f"petition queue: worst {max(timings):.1f} ms per page (goal <= 200 ms)")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
