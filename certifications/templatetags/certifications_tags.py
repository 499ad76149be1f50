"""Template filters for certification pages: status labels and amounts as people write them."""

from decimal import Decimal

from django import template

from certifications.forecast import amount_text

register = template.Library()

STATUS_LABELS = {
    "in_progress": "In progress",
    "requirements_met": "Requirements met",
    "renewed": "Renewed",
    "grace": "Grace period (inactive)",
    "expired": "Expired",
    "lapsed": "Lapsed",
    "inactive": "Inactive",
    "emeritus": "Emeritus",
}


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


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
