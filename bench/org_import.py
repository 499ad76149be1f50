"""Benchmark: importing an organization file with a large catalog (default 10,000 courses): reading and checking
the file, the dry run (the operator's preview), the import itself, re-importing it unchanged, and the export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cectracker .venv/bin/python bench/org_import.py [--courses N]

Runs on a throwaway database (test_<name>, created and dropped here). Prints the figures; no goal is asserted."""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, default=10_000)
    args = parser.parse_args()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.courses)
    finally:
        connection.creation.destroy_test_db(test_db.removeprefix("file:"), verbosity=0)


def _timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label:<34} {time.perf_counter() - started:7.2f} s")
    return result


def run(courses: int) -> None:
    from accounts.models import Organization
    from certifications.orgfile.format import check, dump, load
    from certifications.orgfile.services import organization_export, organization_import

    data = load((ROOT / "tests/orgfile/nfb.yaml").read_bytes())
    data["catalog"] = [
        {"course_number": f"NFB-{n:04d}", "title": f"Course {n}", "amount": "2", "provider": None,
         "multi_session": False, "retired": False}
        for n in range(min(courses, 10_000))
    ]  # fmt: skip
    text = dump(data)
    print(f"file: {len(text.encode()) / 1e6:.2f} MB, {len(data['catalog'])} courses")
    parsed = _timed("read (YAML)", lambda: load(text))
    _timed("check (schema and rules)", lambda: check(parsed))
    _timed("preview (dry run)", lambda: organization_import(actor=None, data=parsed, dry_run=True))
    _timed("import", lambda: organization_import(actor=None, data=parsed))
    _timed("import again (unchanged)", lambda: organization_import(actor=None, data=parsed))
    org = Organization.objects.get(slug="nfb")
    exported = _timed("export (to YAML)", lambda: dump(organization_export(organization=org)))
    print("round trip exact:", exported == text)


if __name__ == "__main__":
    main()
