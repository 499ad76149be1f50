"""Benchmark: one provider report of 10,000 completions (half matched to existing people) end to end
through the API, next to a raw bulk_create of 10,000 Activity rows in the same run. Goal: within 10x.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cectracker .venv/bin/python bench/provider_bulk.py

Runs on a throwaway database (test_<name>, created and dropped here); Celery runs eagerly."""

import json
import os
import sys
import time
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

N = 10_000
GOAL = 10


def main() -> None:
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with scopes_disabled():
            run(test_db)
    finally:
        connection.creation.destroy_test_db(test_db.removeprefix("file:"), verbosity=0)


def run(test_db: str) -> None:
    from accounts.models import Provider, User
    from accounts.services import provider_api_key_create
    from certifications.defaults import load_defaults
    from credits.models import Activity, ApprovedCourse, ProviderCompletion

    ace = {o.short_name: o for o in load_defaults()}["ACE"]
    provider = Provider.objects.create(organization=ace, name="Bench Provider")
    admin = User.objects.create_user("bench-admin@example.com")
    _, raw_key = provider_api_key_create(actor=admin, provider=provider, name="bench")
    ApprovedCourse.objects.create(
        organization=ace, provider=provider, course_number="CEP100001", title="Bench course", amount="0.5"
    )
    people = User.objects.bulk_create([User(email=f"attendee{i}@example.com") for i in range(N // 2)])
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in people])
    records = [
        {
            "record_id": f"r{i}",
            "attendee_email": f"attendee{i}@example.com" if i < N // 2 else f"stranger{i}@example.com",
            "course_number": "CEP100001",
            "completed_on": "2026-03-14",
        }
        for i in range(N)
    ]
    body = json.dumps({"completions": records})

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    started = time.perf_counter()
    response = client.generic(
        "POST", "/api/v1/provider/completions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="bench-1"
    )
    api_seconds = time.perf_counter() - started
    answer = response.json()
    assert response.status_code == 200, answer
    assert (answer["accepted"], answer["matched"], answer["pending"]) == (N, N // 2, N // 2), answer
    assert ProviderCompletion.objects.count() == N and Activity.objects.count() == N // 2

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
        for i in range(N)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        Activity.objects.bulk_create(rows)
    raw_seconds = time.perf_counter() - started

    ratio = api_seconds / raw_seconds
    print(f"database: {connection.vendor} ({test_db})")
    print(f"API, one request of {N:,} completions ({N // 2:,} matched, {N // 2:,} pending): {api_seconds:.2f} s")
    print(f"raw bulk_create of {N:,} Activity rows:                                {raw_seconds:.2f} s")
    print(f"ratio: {ratio:.1f}x (goal: within {GOAL}x) -> {'met' if ratio <= GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
