"""Benchmark the calculator (issue 3): a figure to watch, never a timed test.

    .venv/bin/python bench/evaluate.py                    # in-process: 1,000 cycles x 200 activities, cycles/s
    .venv/bin/python bench/evaluate.py --url http://127.0.0.1:8010
        # against a running server: POST /api/v1/evaluate with 20 activities, requests/s, next to the plain
        # JsonResponse view /api/v1/bench/plain (same body) on the same server; goal: the calculator at >= 40 %.

The server must serve /api/v1/bench/plain (settings.DEBUG or CECT_BENCH=1) and allow the request rate
(EVALUATE_RATE, e.g. 1000000/min). Requests go to the given URL only, for --seconds per endpoint at most.

Measure a server as it runs in production: DEBUG off and persistent database connections, e.g.
    DJANGO_SETTINGS_MODULE=cectracker.settings.production CECT_BENCH=1 CONN_MAX_AGE=60 ... gunicorn ...
Under local settings (DEBUG on, CONN_MAX_AGE=0: a database connection opened per request) every request
pays the same overhead, which flatters the ratio (70-95 % measured there against 38-47 % on production
settings). The bench prints what the server reports and warns when it is not production-like.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL = 0.40
KINDS = ("approved_course", "other_org_course", "college_course", "cpr", "aed", "teaching", "lecturing", "workout")


def activities(rnd: random.Random, count: int, start: date) -> list[dict]:
    """`count` mixed activities over a cycle and its grace period, as the API takes them."""
    out = []
    for index in range(count):
        kind = rnd.choice(KINDS)
        item = {
            "id": f"a{index}",
            "kind": kind,
            "completed_on": (start + timedelta(days=rnd.randrange(1250))).isoformat(),
        }
        if kind == "approved_course":
            item["amount"] = str(Decimal(rnd.randrange(1, 800)).scaleb(-2))
        elif kind == "other_org_course":
            item.update(
                awarding_org=rnd.choice(["ACE", "NASM", "Zumba"]), amount=str(Decimal(rnd.randrange(1, 20)).scaleb(-1))
            )
        elif kind == "college_course":
            item.update(credit_hours=str(rnd.randrange(1, 5)), term="semester", grade=rnd.choice(["A", "B+", "C-"]))
        elif kind in ("cpr", "aed"):
            item["hours"] = str(rnd.randrange(1, 5))
        elif kind in ("teaching", "lecturing"):
            item["amount"] = str(rnd.randrange(1, 6))
        out.append(item)
    return out


def in_process(cycles: int = 1000, per_cycle: int = 200) -> float:
    """Evaluate `cycles` cycles of `per_cycle` activities with the pure engine; returns cycles per second."""
    from certifications.orgfile import shipped as defaults
    from certifications.rules.engine import ActivityInput, evaluate

    rnd = random.Random(2026)
    setups = []
    for code, slug in (("ACSM-CPT", "acsm"), ("ACE-CPT", "ace")):
        start = date(2023, 3, 15)
        lists = [
            [
                ActivityInput(
                    id=a["id"],
                    kind=a["kind"],
                    completed_on=date.fromisoformat(a["completed_on"]),
                    amount=Decimal(a["amount"]) if "amount" in a else None,
                    hours=Decimal(a["hours"]) if "hours" in a else None,
                    awarding_org=a.get("awarding_org"),
                    credit_hours=Decimal(a["credit_hours"]) if "credit_hours" in a else None,
                    term=a.get("term"),
                    grade=a.get("grade"),
                    seq=i,
                )
                for i, a in enumerate(activities(rnd, per_cycle, start - timedelta(days=60)))
            ]
            for _ in range(10)
        ]
        setups.append((defaults.credential(code), defaults.versions(slug), start, lists))
    began = time.perf_counter()
    for n in range(cycles):
        credential, versions, start, lists = setups[n % 2]
        evaluate(
            credential=credential,
            cycle_start=start,
            as_of=date(2025, 6, 1),
            versions=versions,
            activities=lists[n % 10],
            cpr_aed_valid_until=date(2027, 1, 1),
        )
    elapsed = time.perf_counter() - began
    return cycles / elapsed


def _post(host: str, port: int, path: str, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def requests_per_second(url: str, path: str, body: bytes, *, seconds: float, concurrency: int) -> float:
    """Send POSTs from `concurrency` threads for `seconds` (after a short warm-up); returns successful requests/s."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    status, content = _post(host, port, path, body)
    if status != 200:
        raise SystemExit(f"{path} answered {status}: {content[:300]!r}")
    for _ in range(20):
        _post(host, port, path, body)
    done, failed = [0] * concurrency, [0] * concurrency
    deadline = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        while time.perf_counter() < deadline:
            status, _ = _post(host, port, path, body)
            if status == 200:
                done[slot] += 1
            else:
                failed[slot] += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if sum(failed):
        print(f"  warning: {sum(failed)} requests to {path} did not answer 200", file=sys.stderr)
    return sum(done) / elapsed


def _server_settings(url: str, body: bytes) -> tuple[str, str]:
    """DEBUG and CONN_MAX_AGE as the plain view reports them (headers), '?' when it does not say."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=10)
    try:
        connection.request("POST", "/api/v1/bench/plain", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.getheader("X-CECT-Bench-Debug", "?"), response.getheader("X-CECT-Bench-Conn-Max-Age", "?")
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="base URL of a running server, e.g. http://127.0.0.1:8010")
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time per endpoint (default 10)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--activities", type=int, default=20, help="activities per API request (default 20)")
    args = parser.parse_args()

    if not args.url:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")
        rate = in_process()
        print(f"in-process engine: 1,000 cycles x 200 activities: {rate:,.0f} cycles/s")
        return

    body = json.dumps(
        {
            "credential": "ACSM-CPT",
            "certified_on": "2023-03-15",
            "as_of": "2025-06-01",
            "cpr_aed_valid_until": "2027-01-31",
            "activities": activities(random.Random(7), args.activities, date(2023, 1, 15)),
        }
    ).encode()
    print(
        f"server {args.url}: {args.activities} activities a request, "
        f"{args.concurrency} client threads, {args.seconds:g} s each"
    )
    debug, conn_max_age = _server_settings(args.url, body)
    print(f"  server reports DEBUG={debug}, CONN_MAX_AGE={conn_max_age}")
    if debug != "false" or conn_max_age in ("0", "?"):
        print(
            "  WARNING: not production-like (DEBUG on or a database connection per request): the ratio below "
            "is flattered; run the server on production settings with CONN_MAX_AGE > 0.",
            file=sys.stderr,
        )
    plain = requests_per_second(
        args.url, "/api/v1/bench/plain", body, seconds=args.seconds, concurrency=args.concurrency
    )
    print(f"  plain JsonResponse view  /api/v1/bench/plain : {plain:8.1f} requests/s")
    calc = requests_per_second(args.url, "/api/v1/evaluate", body, seconds=args.seconds, concurrency=args.concurrency)
    print(f"  calculator               /api/v1/evaluate    : {calc:8.1f} requests/s")
    ratio = calc / plain if plain else 0.0
    verdict = "meets" if ratio >= GOAL else "misses"
    print(f"  calculator / plain = {ratio:.0%} ({verdict} the {GOAL:.0%} goal)")


if __name__ == "__main__":
    main()
