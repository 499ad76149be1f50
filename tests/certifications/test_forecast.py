"""The dashboard's pure helpers: forecast at the person's pace and the cumulative chart."""

import datetime as dt
from decimal import Decimal as D

from certifications.forecast import (
    ENDED,
    MET,
    NO_PACE,
    ON_TRACK,
    SHORT,
    amount_text,
    cumulative_chart,
    forecast,
    percent,
)

START, END = dt.date(2025, 3, 1), dt.date(2027, 2, 28)  # an ACE cycle


def test_on_track_says_when_the_requirement_is_reached():
    f = forecast(earned=D("1.1"), required=D("2.0"), start=START, end=END, as_of=dt.date(2026, 3, 1), unit="CEC")
    assert f.kind == ON_TRACK
    assert f.pace == D("0.09")  # 1.1 over 12 months
    assert f.reach_on == dt.date(2026, 12, 25)  # 0.9 left at 1.1/12 a month: 9.8 months
    assert f.message == "At your pace of 0.09 CEC/month you'll reach 2.0 by Dec 2026."


def test_on_track_example_from_the_issue():
    f = forecast(earned=D("4.8"), required=D("2.0") * 3, start=START, end=END, as_of=dt.date(2026, 3, 1), unit="CEC")
    assert f.kind == ON_TRACK and f.pace == D("0.40")
    # 1.2 left at 0.4 a month: 3 months
    assert f.reach_on == dt.date(2026, 5, 31)
    assert f.message == "At your pace of 0.4 CEC/month you'll reach 6.0 by May 2026."


def test_short_says_by_how_much_and_the_pace_needed():
    f = forecast(earned=D("0.5"), required=D("2.0"), start=START, end=END, as_of=dt.date(2026, 3, 1), unit="CEC")
    assert f.kind == SHORT
    assert f.short_by == D("1.00")  # 0.5 + 0.5/12 a month * 11.9 months left = 1.0
    assert "you'll be 1.0 CECs short on Feb 28, 2027: aim for 0.13 CEC/month" in f.message


def test_no_credits_yet_gives_the_pace_needed():
    f = forecast(earned=D("0"), required=D("45"), start=START, end=dt.date(2028, 2, 29), as_of=START, unit="CEC")
    assert f.kind == NO_PACE and f.needed_pace == D("1.25")  # 45 over 36 months
    assert "about 1.25 CEC/month" in f.message


def test_met_and_ended():
    met = forecast(earned=D("2.1"), required=D("2.0"), start=START, end=END, as_of=dt.date(2026, 3, 1), unit="CEC")
    assert met.kind == MET and met.message == "You have the 2.0 CECs you need."
    ended = forecast(earned=D("1.5"), required=D("2.0"), start=START, end=END, as_of=dt.date(2027, 4, 1), unit="CEC")
    assert ended.kind == ENDED and "0.5 CECs still missing" in ended.message


def test_the_first_month_does_not_explode_the_pace():
    f = forecast(earned=D("0.3"), required=D("2.0"), start=START, end=END, as_of=START, unit="CEC")
    assert f.pace == D("0.30")


def test_amount_text_and_percent():
    assert [amount_text(D(x)) for x in ("0.40", "2", "0.08", "45.00", "12.25")] == [
        "0.4",
        "2.0",
        "0.08",
        "45.0",
        "12.25",
    ]
    assert percent(earned=D("1"), required=D("2")) == 50
    assert percent(earned=D("3"), required=D("2")) == 100
    assert percent(earned=D("0"), required=D("0")) == 100


def test_chart_steps_up_at_each_completion_and_draws_the_required_line():
    chart = cumulative_chart(
        start=START,
        last_day=END,
        required=D("2.0"),
        applied=[(dt.date(2025, 9, 1), D("0.5")), (dt.date(2025, 4, 1), D("0.5")), (dt.date(2024, 1, 1), D("9"))],
        as_of=dt.date(2026, 3, 1),
    )
    assert chart.total == D("1.0")  # the activity outside the cycle is not drawn
    points = [tuple(map(float, p.split(","))) for p in chart.points.split()]
    assert points[0] == (chart.plot_left, chart.plot_bottom)
    ys = [y for _, y in points]
    assert ys == sorted(ys, reverse=True)  # never goes down
    assert len(points) == 6  # start, two steps of two points, today
    assert chart.required_y < ys[-1]  # the required line is above what is earned
    assert chart.today_x is not None and points[-1][0] == chart.today_x
    assert [label for _, label in chart.x_labels] == ["2026", "2027"]


def test_chart_marks_the_cycle_end_when_a_grace_period_follows():
    start, end, grace = dt.date(2024, 3, 15), dt.date(2027, 3, 14), dt.date(2027, 9, 14)
    chart = cumulative_chart(start=start, last_day=grace, end=end, required=D("45"), applied=[], as_of=start)
    assert chart.plot_left < chart.end_x < chart.plot_right
    assert cumulative_chart(start=START, last_day=END, end=END, required=D("2"), applied=[], as_of=START).end_x is None


def test_chart_draws_at_most_one_step_a_week_whatever_the_history():
    """A daily habit over two years is ~100 steps, not 730: the line still ends at the total earned."""
    days = [START + dt.timedelta(days=n) for n in range((END - START).days + 1)]
    chart = cumulative_chart(
        start=START, last_day=END, required=D("2.0"), applied=[(day, D("0.01")) for day in days], as_of=END
    )
    points = [tuple(map(float, p.split(","))) for p in chart.points.split()]
    weeks = len(days) // 7 + 1
    assert len(points) <= 2 * weeks + 2 and len(points) < len(days) / 3
    assert chart.total == D("0.01") * len(days)
    same_week = cumulative_chart(
        start=START,
        last_day=END,
        required=D("2.0"),
        applied=[(START, D("0.5")), (START + dt.timedelta(days=3), D("0.5"))],
        as_of=END,
    )
    assert len(same_week.points.split()) == 4  # start, one step of two points, today
