"""Benchmark: the live Bitstring Status Lists (revocation and suspension) for N issued credentials.

The suspension list evaluates every holder's certification with the rules engine on each request, so its cost
grows with the number of credentials; this prints how much. Run against a migrated database:
`DJANGO_SETTINGS_MODULE=cectracker.settings.local .venv/bin/python bench/status_list.py [N]` (default 2,000
holders with 10 activities each). Everything it creates is rolled back."""

import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from accounts.models import User  # noqa: E402
from certifications.defaults import load_defaults  # noqa: E402
from certifications.models import Certification, Credential, Cycle  # noqa: E402
from certifications.proof.credentials import STATUS_LIST_LENGTH, status_list_credential  # noqa: E402
from certifications.proof.models import IssuedCredential  # noqa: E402
from certifications.rules import add_years  # noqa: E402
from certifications.rules.engine import cycle_for  # noqa: E402
from certifications.selectors import params_in_force  # noqa: E402
from credits.models import Activity  # noqa: E402


class Rollback(Exception):
    pass


def main(holders: int = 2000, runs: int = 5) -> None:
    try:
        with transaction.atomic(), scopes_disabled():
            load_defaults()
            credential = Credential.objects.get(code="ACSM-CPT")
            start = add_years(timezone.localdate(), -1)
            dates = cycle_for(start=start, params=params_in_force(organization_id=credential.organization_id, on=start))
            users = User.objects.bulk_create(
                User(email=f"bench-status-{i}@example.com", name=f"Holder {i}") for i in range(holders)
            )
            certifications = Certification.objects.bulk_create(
                Certification(user=u, credential=credential, number=f"B{i:06d}", certified_on=start)
                for i, u in enumerate(users)
            )
            cycles = Cycle.objects.bulk_create(
                Cycle(certification=c, start=dates.start, end=dates.end, grace_until=dates.grace_until)
                for c in certifications
            )
            Activity.objects.bulk_create(
                Activity(user=u, kind="approved_course", awarding_org="ACSM", amount=Decimal("2"), completed_on=start)
                for u in users
                for _ in range(10)
            )
            indexes = random.Random(1).sample(range(STATUS_LIST_LENGTH), holders)
            IssuedCredential.objects.bulk_create(
                IssuedCredential(
                    organization=credential.organization, certification=c, cycle=y, user=c.user, status_index=i
                )
                for c, y, i in zip(certifications, cycles, indexes, strict=True)
            )
            for purpose in ("revocation", "suspension"):
                timings = []
                for _ in range(runs):
                    with CaptureQueriesContext(connection) as queries:
                        began = time.perf_counter()
                        status_list_credential(purpose=purpose)
                        timings.append((time.perf_counter() - began) * 1000)
                print(
                    f"{purpose}: {holders:,} credentials, {len(queries)} queries, "
                    f"median {statistics.median(timings):.0f} ms, worst {max(timings):.0f} ms"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
