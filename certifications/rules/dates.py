"""Calendar arithmetic for cycles and grace periods (RULES §3)."""

from __future__ import annotations

import calendar
from datetime import date


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a common year (RULES §3)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def people_date(day: date) -> str:
    """A date as people read it in the engine's words ("Mar 14, 2026"): the site's DATE_FORMAT
    (cectracker/formats/en/formats.py), written without Django so the engine stays framework-free."""
    return f"{day:%b} {day.day}, {day.year}"
