"""An RFC 5545 calendar of all-day events, written by hand: escaping, CRLF, folding at 75 octets.

~40 lines of a well-specified text format do not justify a runtime dependency; the tests parse our
output with the `icalendar` package (a dev dependency) to hold us to the RFC."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Every event is a deadline: calendar apps remind a month and a week before it.
ALARM_DAYS_BEFORE = (30, 7)


@dataclass(frozen=True)
class AllDayEvent:
    uid: str  # stable across refreshes, so calendar apps update the event instead of duplicating it
    day: date
    summary: str
    description: str = ""


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def ical_calendar(*, name: str, events: Iterable[AllDayEvent], stamp: datetime) -> str:
    """The whole VCALENDAR text; `stamp` (UTC) is the DTSTAMP of every event."""
    dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//CEC Tracker//Deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(event.summary)}",
            *([f"DESCRIPTION:{_escape(event.description)}"] if event.description else []),
            "TRANSP:TRANSPARENT",
            *(
                line
                for days in ALARM_DAYS_BEFORE
                for line in (
                    "BEGIN:VALARM",
                    "ACTION:DISPLAY",
                    f"DESCRIPTION:{_escape(event.summary)}",
                    f"TRIGGER:-P{days}D",
                    "END:VALARM",
                )
            ),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
