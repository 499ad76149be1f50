"""How long a transcript PDF takes to render (WeasyPrint), for 20, 60 and 200 activities.

Decides whether transcripts render in the request or in a Celery task (ARCHITECTURE "Background work").
Run: DJANGO_SETTINGS_MODULE=cectracker.settings.local .venv/bin/python bench/transcript_pdf.py
Needs no database: the template gets a context shaped like `certifications.exports.selectors.transcript_context`."""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")

import django  # noqa: E402

django.setup()

from cectracker.pdf import render_pdf  # noqa: E402


def context(count: int) -> dict:
    start = date(2024, 6, 1)
    lines = [
        SimpleNamespace(
            activity=SimpleNamespace(
                completed_on=start + timedelta(days=i * 5),
                title=f"Approved course number {i} on program design",
                get_kind_display="Approved course",
                course_number=f"CA{10000 + i}",
            ),
            applied=SimpleNamespace(
                full=Decimal("1.50"), applied=Decimal("1.50"), detail="Counts its amount: 1.50 CECs."
            ),
        )
        for i in range(count)
    ]
    organization = SimpleNamespace(short_name="ACSM", name="American College of Sports Medicine")
    return {
        "person": SimpleNamespace(get_full_name="Tess Trainer", email="tess@example.com"),
        "certification": SimpleNamespace(number="ACSM-4455", cpr_aed_valid_until=date(2027, 5, 31)),
        "credential": SimpleNamespace(code="ACSM-CPT", name="ACSM Certified Personal Trainer"),
        "organization": organization,
        "cycle": SimpleNamespace(start=start, end=date(2027, 5, 31), grace_until=date(2027, 11, 30)),
        "result": SimpleNamespace(
            status="in_progress",
            required=Decimal("45.00"),
            earned=Decimal("30.00"),
            remaining=Decimal("15.00"),
            unit="CEC",
            cpr_aed_ok=True,
        ),
        "lines": lines,
        # The template reads `rows` (line, kind label), as `transcript_context` builds them: without it the
        # bench timed an empty table.
        "rows": [(line, "Approved course") for line in lines],
        "status_label": "In progress",
        "generated_on": date.today(),
    }


def main() -> None:
    import io

    import pikepdf

    render_pdf("certifications/transcript_pdf.html", context(5))  # warm up fonts and CSS
    pages_seen = {}
    for count in (20, 60, 200):
        runs = []
        for _ in range(5):
            began = time.perf_counter()
            pdf = render_pdf("certifications/transcript_pdf.html", context(count))
            runs.append(time.perf_counter() - began)
        pages = len(pikepdf.open(io.BytesIO(pdf)).pages)
        pages_seen[count] = pages
        print(
            f"transcript with {count:3d} activities: median {statistics.median(runs):.3f} s, "
            f"max {max(runs):.3f} s, {len(pdf) / 1024:.0f} KiB, {pages} page(s)"
        )
    # The table is really there: ten times the activities make more pages (an empty table stays at one).
    assert pages_seen[200] > pages_seen[20], pages_seen


if __name__ == "__main__":
    main()
