"""A few hundred invented approved courses per organization for `load_demo`: deterministic and idempotent.

Numbers follow the organization's published course-number format: its leading letters (an alternation such
as ACE's `(CEP|CP|CA|CS|CL)`, or a literal such as `NFB-`) and as many digits as its closing `{m,n}` says,
kept when the format accepts them; an organization without a format (ACSM) gets `<SHORT NAME><5 digits>`.
Amounts are hours times the organization's unit per hour (ACE 0.1 CEC an hour, ACSM 1 CEC an hour)."""

from __future__ import annotations

import random
import re
from decimal import Decimal

from django_scopes import scopes_disabled

from accounts.models import Organization, Provider
from certifications.rules.engine import course_key
from certifications.selectors import rule_versions
from credits.models import ApprovedCourse

COURSES_PER_ORGANIZATION = 200
_DIGITS = re.compile(r"\{([0-9]+)(?:,([0-9]+))?\}\$?$")
_LEADING = re.compile(r"\^?(?:\((?:\?:)?([A-Za-z|]+)\)|([A-Za-z][A-Za-z-]*))")
HOURS = (1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20)

_SUBJECTS = (
    "Kettlebell",
    "Mobility",
    "Resistance Training",
    "Program Design",
    "Nutrition Coaching",
    "Behavior Change",
    "Functional Movement",
    "Balance and Fall Prevention",
    "Prenatal Exercise",
    "Youth Athletic Development",
    "Cardiorespiratory Conditioning",
    "Sleep and Recovery",
    "Corrective Exercise",
    "Group Cycling",
    "Aquatic Exercise",
    "Mind-Body Flexibility",
    "Metabolic Conditioning",
    "Exercise for Chronic Pain",
    "Strength for Older Adults",
    "Motivational Interviewing",
)
_ANGLES = (
    "Foundations",
    "Advanced Applications",
    "for Personal Trainers",
    "for Group Instructors",
    "in Clinical Populations",
    "Assessment and Progressions",
    "Evidence Review",
    "Coaching Skills",
    "Case Studies",
    "Practical Workshop",
)
_FORMATS = ("Online Course", "Live Webinar", "Home Study", "Two-Day Workshop", "Conference Session", "Video Series")


def demo_catalog_courses(*, organization: Organization, count: int = COURSES_PER_ORGANIZATION) -> list[dict]:
    """The invented catalog of one organization: the same `count` courses every time (number, title, amount)."""
    with scopes_disabled():
        versions = rule_versions(organization_ids=[organization.pk]).get(organization.pk)
    if not versions:
        return []
    params = versions[-1].params  # the latest published rules decide today's format and unit
    regex = params.course_number_regex
    rng = random.Random(f"cectracker-demo-catalog-{organization.short_name}")  # a string seed: same on every run
    courses: dict[str, dict] = {}
    prefixes = _prefixes(params.course_number_pattern) if regex is not None else ()
    lengths = _digit_counts(params.course_number_pattern) if regex is not None else ()
    for _attempt in range(count * 50):  # a format these numbers can't meet gets no invented catalog
        if len(courses) == count or (regex is not None and not prefixes):
            break
        if regex is not None:
            digits = rng.choice(lengths)
            number = f"{rng.choice(prefixes)}{rng.randrange(10 ** (digits - 1), 10**digits)}"
            if not regex.fullmatch(number):
                continue
        else:
            number = f"{organization.short_name.upper()}{rng.randrange(10_000, 100_000)}"
        number = course_key(number)
        if number in courses:
            continue
        hours = rng.choice(HOURS)
        title = f"{rng.choice(_SUBJECTS)} {rng.choice(_ANGLES)}: {rng.choice(_FORMATS)}"
        amount = (Decimal(hours) * params.unit_per_hour).quantize(Decimal("0.01"))
        courses[number] = {"course_number": number, "title": title, "amount": amount}
    return list(courses.values())


def _prefixes(pattern: str) -> tuple[str, ...]:
    """The letters a course number starts with, read off the front of its format."""
    match = _LEADING.match(pattern)
    if match is None:
        return ()
    return tuple(match.group(1).split("|")) if match.group(1) else (match.group(2),)


def _digit_counts(pattern: str) -> tuple[int, ...]:
    """How many digits follow the letters: the format's closing `{m,n}`, else 5 or 6."""
    match = _DIGITS.search(pattern)
    if match is None:
        return (5, 6)
    low = int(match.group(1))
    return tuple(range(low, int(match.group(2) or low) + 1))


def demo_catalog_load(*, organization: Organization, provider: Provider | None = None) -> int:
    """Add the invented courses the organization's catalog lacks (never changes existing ones); returns how many."""
    courses = demo_catalog_courses(organization=organization)
    with scopes_disabled():
        existing = set(
            ApprovedCourse.objects.filter(
                organization=organization, course_number__in=[c["course_number"] for c in courses]
            ).values_list("course_number", flat=True)
        )
        new = [
            ApprovedCourse(organization=organization, provider=provider, **course)
            for course in courses
            if course["course_number"] not in existing
        ]
        ApprovedCourse.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
