"""Template filters for certification pages: status labels and amounts as people write them; the dashboard's
chart."""

from decimal import Decimal
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from cectracker.formats import day
from certifications.explain import STATUS_LABELS
from certifications.forecast import amount_text

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    """A cycle status in words (the calculator's labels: one table for every page)."""
    label = STATUS_LABELS.get(status)
    return label[0] if label else status.replace("_", " ").capitalize()


@register.filter
def amount(value) -> str:
    """2.00 -> 2.0, 0.40 -> 0.4, 12.25 -> 12.25; empty for None."""
    if value is None or value == "":
        return ""
    return amount_text(Decimal(value))


@register.filter
def money(value) -> str:
    """60.00 -> $60; None -> "set by the organization"."""
    if value is None:
        return "set by the organization"
    value = Decimal(value)
    return f"${value:,.0f}" if value == value.to_integral_value() else f"${value:,.2f}"


@register.simple_tag
def chart_svg(card) -> SafeString:
    """A dashboard card's cumulative chart as inline SVG, written in plain Python: 20 cards of axis labels and
    lines cost the template engine more than the rest of the dashboard (every number went through `localize`).
    Numbers are written as the template engine writes them in English; text is escaped."""
    c, r = card.chart, card.progress.result
    unit = escape(r.unit)
    label = f"{escape(r.credential)}: {amount(r.earned)} of {amount(r.required)} {unit}s earned over the cycle"
    parts = [
        f'<svg class="dash-chart" viewBox="0 0 {c.width} {c.height}" role="img" aria-label="{label}">',
        f'<line class="axis" x1="{c.plot_left}" y1="{c.plot_bottom}" x2="{c.plot_right}" y2="{c.plot_bottom}"/>',
    ]
    parts += [
        f'<line class="tick" x1="{x}" y1="{c.plot_bottom}" x2="{x}" y2="{c.plot_bottom + 4}"/>'
        f'<text x="{x}" y="{c.height}" text-anchor="middle">{escape(text)}</text>'
        for x, text in c.x_labels
    ]
    parts += [
        f'<text x="{c.plot_left - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">{escape(text)}</text>'
        for y, text in c.y_labels
    ]
    parts.append(
        f'<line class="required" x1="{c.plot_left}" y1="{c.required_y}" x2="{c.plot_right}" y2="{c.required_y}">'
        f"<title>Required: {amount(r.required)} {unit}s</title></line>"
    )
    if c.end_x is not None:
        parts.append(
            f'<line class="cycle-end" x1="{c.end_x}" y1="10" x2="{c.end_x}" y2="{c.plot_bottom}"><title>Cycle ends '
            f"{day(r.cycle.end)}; grace period after</title></line>"
            f'<text class="grace-label" x="{c.end_x}" dx="4" y="{c.plot_bottom}" dy="-4">grace</text>'
        )
    if c.today_x is not None:
        parts.append(
            f'<line class="today" x1="{c.today_x}" y1="10" x2="{c.today_x}" y2="{c.plot_bottom}">'
            "<title>Today</title></line>"
        )
    parts.append(
        f'<polyline class="earned" points="{c.points}"><title>Earned: {amount(r.earned)} {unit}s</title></polyline>'
    )
    return mark_safe("\n  ".join(parts) + "\n</svg>")  # noqa: S308 (every text escaped above)
