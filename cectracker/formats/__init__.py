"""The site's formats (FORMAT_MODULE_PATH), and `day`: a date as the `date` filter writes it, remembered."""

from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language


def day(value: date) -> str:
    """`date_format(value)` ("Mar 14, 2026"), remembered per language: a list prints the same few hundred days
    over and over, and Django's formatter costs tens of microseconds a call (half the activities table's time)."""
    return _day(value, get_language())


@lru_cache(maxsize=4096)
def _day(value: date, language: str) -> str:
    return date_format(value)
