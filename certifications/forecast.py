"""Pure helpers for the dashboard: a forecast at the person's pace and a cumulative-credits chart.

No ORM, no I/O: plain values in, plain values out (like the rules engine), so they are unit-tested directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12

MET, ON_TRACK, SHORT, NO_PACE, ENDED = "met", "on_track", "short", "no_pace", "ended"


def amount_text(value: Decimal) -> str:
    """0.40 -> "0.4", 2.00 -> "2.0", 0.08 -> "0.08", 45.00 -> "45.0": what people write."""
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text


def percent(*, earned: Decimal, required: Decimal) -> int:
    """Share of the requirement earned, 0-100 (a bar never overflows)."""
    if required <= 0:
        return 100
    return max(0, min(int(earned * 100 / required), 100))


@dataclass(frozen=True)
class Forecast:
    """Where the person will be at the end of the cycle if they keep their pace so far."""

    kind: str  # met | on_track | short | no_pace | ended
    pace: Decimal  # per month since the cycle started
    projected: Decimal  # at the end date, at that pace
    reach_on: date | None  # when the required amount is reached, at that pace
    short_by: Decimal
    needed_pace: Decimal  # per month from now to finish on time
    message: str


def forecast(*, earned: Decimal, required: Decimal, start: date, end: date, as_of: date, unit: str) -> Forecast:
    """Project `earned` to `end` at the pace since `start` (a month at least, so day one doesn't explode)."""
    zero = Decimal("0")
    remaining = max(required - earned, zero)
    elapsed = max(Decimal((min(as_of, end) - start).days) / DAYS_PER_MONTH, Decimal(1))
    exact_pace = earned / elapsed
    pace = exact_pace.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # shown; the projection uses the exact one
    months_left = max(Decimal((end - as_of).days) / DAYS_PER_MONTH, zero)
    projected = earned + exact_pace * months_left
    needed = (remaining / max(months_left, Decimal(1))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    per_month = f"{unit}/month"
    if remaining == zero:
        return Forecast(MET, pace, earned, None, zero, zero, f"You have the {amount_text(required)} {unit}s you need.")
    if as_of > end:
        return Forecast(
            ENDED,
            pace,
            earned,
            None,
            remaining,
            zero,
            f"The cycle ended on {date_format(end)} with {amount_text(remaining)} {unit}s still missing.",
        )
    if exact_pace == zero:
        return Forecast(
            NO_PACE,
            pace,
            earned,
            None,
            remaining,
            needed,
            f"No {unit}s yet this cycle: about {amount_text(needed)} {per_month} gets you to "
            f"{amount_text(required)} by {date_format(end)}.",
        )
    if projected >= required:
        reach = as_of + timedelta(days=int((remaining / exact_pace * DAYS_PER_MONTH).to_integral_value(ROUND_HALF_UP)))
        reach = min(reach, end)
        return Forecast(
            ON_TRACK,
            pace,
            projected.quantize(Decimal("0.01")),
            reach,
            zero,
            needed,
            f"At your pace of {amount_text(pace)} {per_month} you'll reach {amount_text(required)} "
            + f"by {date_format(reach, 'YEAR_MONTH_FORMAT')}.",
        )
    short_by = (required - projected).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Forecast(
        SHORT,
        pace,
        projected.quantize(Decimal("0.01")),
        None,
        short_by,
        needed,
        f"At your pace of {amount_text(pace)} {per_month} you'll be {amount_text(short_by)} {unit}s short "
        f"on {date_format(end)}: aim for {amount_text(needed)} {per_month}.",
    )


def weekly(*, start: date, amounts: Iterable[tuple[date, Decimal]]) -> list[tuple[date, Decimal]]:
    """(day, amount) pairs added up per week of the cycle (weeks counted from `start`), each dated by its first
    day: the chart's steps, and what a stored statement keeps for it."""
    weeks: dict[int, list] = {}
    for day, amount in sorted(amounts):
        week = weeks.setdefault((day - start).days // 7, [day, Decimal(0)])
        week[1] += amount
    return [(day, amount) for day, amount in weeks.values()]


@dataclass(frozen=True)
class Chart:
    """Geometry of a cumulative-credits chart, ready for an inline SVG (no JavaScript)."""

    width: int
    height: int
    points: str  # SVG polyline "x,y x,y ..."
    required_y: float
    today_x: float | None
    end_x: float | None  # the cycle's end when a grace period follows it
    x_labels: tuple[tuple[float, str], ...]
    y_labels: tuple[tuple[float, str], ...]
    total: Decimal
    plot_left: int
    plot_bottom: int
    plot_right: int


def cumulative_chart(
    *,
    start: date,
    last_day: date,
    end: date | None = None,
    required: Decimal,
    applied: Iterable[tuple[date, Decimal]],
    as_of: date,
    width: int = 560,
    height: int = 170,
) -> Chart:
    """A step line of the applied amounts added up by completion date over [start, last_day], and the required line.

    At most one step a week (a week is 5 of the plot's 506 units over two years): a long history draws 100 or
    so steps, not one per day with an activity, and looks the same."""
    left, right, top, bottom = 44, width - 10, 10, height - 24
    span = max((last_day - start).days, 1)
    rows = weekly(start=start, amounts=((d, a) for d, a in applied if start <= d <= last_day and a > 0))
    total = sum((amount for _, amount in rows), Decimal(0))
    top_value = max(required, total) * Decimal("1.1") or Decimal(1)
    x_scale, y_scale = (right - left) / span, (bottom - top) / float(top_value)

    def x(day: date) -> float:
        return round(left + x_scale * (day - start).days, 1)

    def y(value: Decimal) -> float:
        return round(bottom - y_scale * float(value), 1)

    coords = [(x(start), y(Decimal(0)))]
    running = Decimal(0)
    for day, amount in rows:
        step_x = x(day)
        coords.append((step_x, y(running)))
        running += amount
        coords.append((step_x, y(running)))
    end_day = min(max(as_of, rows[-1][0] if rows else start), last_day)
    coords.append((x(end_day), y(running)))
    years = range(start.year + 1, last_day.year + 1)
    x_labels = tuple((x(date(year, 1, 1)), str(year)) for year in years if start < date(year, 1, 1) <= last_day)
    y_labels = ((y(Decimal(0)), "0"), (y(required), amount_text(required)))
    return Chart(
        width=width,
        height=height,
        points=" ".join(f"{px},{py}" for px, py in coords),
        required_y=y(required),
        today_x=x(as_of) if start <= as_of <= last_day else None,
        end_x=x(end) if end is not None and start <= end < last_day else None,
        x_labels=x_labels,
        y_labels=y_labels,
        total=total,
        plot_left=left,
        plot_bottom=bottom,
        plot_right=right,
    )
