"""Template tags for activity pages.

The activities page's rows are written here in plain Python rather than by template loops: a page of 25 rows,
each with a line per certification (500 for a person holding 20), spent most of its time in the template
engine. Every value is escaped (`html.escape`, as Django's own `escape`); amounts are written as the template
engine writes a Decimal in English ("0.10"), dates as its `date` filter does."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from cectracker.formats import day

register = template.Library()


@register.simple_tag
def applications(items, detailed: bool = False) -> SafeString:
    """What an activity counts for, one line per certification: "ACE-CPT 0.10 CECs", "of" when less than its
    full value applied, and why (always when it fell short; on the detail page, `detailed`, also when not).

    Also the detail page's "What it counts for"."""
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


@register.simple_tag
def activity_rows(rows) -> SafeString:
    """The activities table's rows: (activity, its kind's short label, its applications) each; the activity
    with `evidence_count` annotated and its petitions (with their organizations) prefetched."""
    out = []
    for activity, kind_label, items in rows:
        about = escape(kind_label)
        if activity.course_number:
            about += f' · <span class="mono">{escape(activity.course_number)}</span>'
        if activity.awarding_org:
            about += f" · {escape(activity.awarding_org)}"
        badges = '<span class="badge badge-void">Voided by the provider: no longer counts</span> ' * bool(
            activity.voided_at
        )
        for petition in activity.petitions.all():
            badges += (
                f'<span class="badge badge-{escape(petition.status)}">{escape(petition.organization.short_name)}'
                f" petition: {escape(petition.get_status_display().lower())}</span> "
            )
        out.append(
            f'<tr>\n  <td data-label="Completed">{day(activity.completed_on)}</td>\n'
            f'  <td><a href="{reverse("activity_detail", args=[activity.pk])}">{escape(str(activity))}</a>\n'
            f'    <div class="muted">{about}</div>\n    {badges}\n  </td>\n'
            f'  <td data-label="Counts toward">{applications(items)}</td>\n'
            f'  <td class="num" data-label="Files">{activity.evidence_count}</td>\n</tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)
