"""The engine must evaluate 1,000 cycles of 200 activities in a few seconds, in-process."""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from certifications.rules.engine import ActivityInput, evaluate

from .support import ACSM_VERSIONS, defaults

KINDS = [
    "approved_course",
    "other_org_course",
    "college_course",
    "cpr",
    "teaching",
    "lecturing",
    "publication",
    "workout",
]


def make_activities(rnd: random.Random, count: int) -> list[ActivityInput]:
    start = date(2022, 1, 1)
    return [
        ActivityInput(
            id=str(i),
            kind=rnd.choice(KINDS),
            completed_on=start + timedelta(days=rnd.randrange(1800)),
            amount=Decimal(rnd.randrange(1, 800)).scaleb(-2),
            hours=Decimal(rnd.randrange(1, 40)).scaleb(-1),
            awarding_org=rnd.choice(["ACE", "NASM", "Zumba"]),
            credit_hours=Decimal(rnd.randrange(1, 5)),
            grade=rnd.choice(["A", "B", "C-"]),
            seq=i,
        )
        for i in range(count)
    ]


def test_thousand_cycles_of_two_hundred_activities():
    rnd = random.Random(20250101)
    lists = [make_activities(rnd, 200) for _ in range(20)]
    credential = defaults.credential("ACSM-CPT")
    began = time.perf_counter()
    for n in range(1000):
        evaluate(
            credential=credential,
            cycle_start=date(2023, 1, 1) + timedelta(days=n % 365),
            as_of=date(2025, 6, 1),
            versions=ACSM_VERSIONS,
            activities=lists[n % 20],
        )
    elapsed = time.perf_counter() - began
    print(f"1,000 cycles x 200 activities: {elapsed:.2f} s")
    assert elapsed < 15  # "a few seconds" on a developer machine; generous for slow CI runners
