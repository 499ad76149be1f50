"""Template tags for activity pages."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def applications(items, detailed: bool = False) -> SafeString:
    """What an activity counts for, one line per certification: "ACE-CPT 0.10 CECs", "of" when less than its
    full value applied, and why (always when it fell short; on the detail page, `detailed`, also when not).

    Plain string building rather than an included template (or format_html): the activities page draws one of
    these per row and certification, 500 on a page for a person with 20, and the template engine spent most of
    the page's time on them. Every value is escaped (`html.escape`, as Django's own `escape`); amounts are
    written as the template engine writes a Decimal in English ("0.10")."""
    if not items:
        return mark_safe('<span class="muted">No certification to count toward yet.</span>')  # noqa: S308 (a constant)
    lines = []
    for app in items:
        short = " application-short" if app.reason else ""
        amount = f"{app.applied:f}" if app.applied == app.full else f"{app.applied:f} of {app.full:f}"
        why = f' <span class="muted">— {escape(app.detail)}</span>' if app.reason or detailed else ""
        lines.append(
            f'<li class="application{short}"><b>{escape(app.label)}</b>'
            f' <span class="mono">{amount} {escape(app.unit)}s</span>{why}</li>'
        )
    return mark_safe('<ul class="applications">\n  ' + "\n  ".join(lines) + "\n</ul>")  # noqa: S308 (escaped above)
