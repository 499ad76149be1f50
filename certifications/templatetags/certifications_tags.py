"""Template filters for certification pages: status labels and amounts as people write them."""

from decimal import Decimal

from django import template

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
