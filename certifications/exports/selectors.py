"""Reads for exports: the activities spreadsheet, the calendar feed's events, the feed behind a token."""

from datetime import date

from django.utils.formats import date_format

from accounts.models import User
from certifications.exports.ical import AllDayEvent
from certifications.exports.models import CalendarFeed, feed_token_hash
from certifications.selectors import certifications_of, cycles_of
from certifications.statements.selectors import statements_cycle_statement

UID_DOMAIN = "cectracker"

# A cycle's status in words (RULES §3), for people reading a transcript.
STATUS_LABELS = {
    "in_progress": "In progress",
    "requirements_met": "Requirements met: renewal can be submitted",
    "renewed": "Renewed",
    "grace": "Expired, in the grace period (inactive: not to be presented as certified)",
    "expired": "Expired",
    "lapsed": "Lapsed: reinstatement goes through the organization",
    "inactive": "Inactive",
    "emeritus": "Emeritus",
}


def calendar_feed_for_token(*, token: str) -> CalendarFeed | None:
    """The active feed a secret token opens, or None (unknown or revoked)."""
    return (
        CalendarFeed.objects.filter(token_hash=feed_token_hash(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )


def calendar_feed_active(*, user: User) -> CalendarFeed | None:
    """The person's feed that is still valid, if any."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_events(*, user: User) -> list[AllDayEvent]:
    """The person's deadlines: each certification's current cycle end and grace end, and CPR/AED expiry."""
    latest = {}
    for cycle in cycles_of(user=user).order_by("start"):
        latest[cycle.certification_id] = cycle
    events = []
    for certification in certifications_of(user=user):
        code = certification.credential.code
        # An emeritus certification needs no renewal (RULES §5): no cycle deadlines to remind of.
        cycle = latest.get(certification.pk) if certification.emeritus_on is None else None
        if cycle is not None:
            events.append(
                AllDayEvent(
                    uid=f"cycle-{cycle.pk}-end@{UID_DOMAIN}",
                    day=cycle.end,
                    summary=f"{code}: last day of the certification cycle",
                    description=f"The {code} cycle that started {date_format(cycle.start)} ends today: "
                    "credits must be earned and the renewal submitted by now.",
                )
            )
            if cycle.grace_until:
                events.append(
                    AllDayEvent(
                        uid=f"cycle-{cycle.pk}-grace@{UID_DOMAIN}",
                        day=cycle.grace_until,
                        summary=f"{code}: grace period ends",
                        description=f"Last day to renew {code} late. After today the certification lapses "
                        "and only the organization can reinstate it.",
                    )
                )
        if certification.cpr_aed_valid_until:
            events.append(
                AllDayEvent(
                    uid=f"certification-{certification.pk}-cpr-aed@{UID_DOMAIN}",
                    day=certification.cpr_aed_valid_until,
                    summary=f"CPR/AED expires ({code})",
                    description=f"The CPR/AED certification recorded with your {code} expires today.",
                )
            )
    return sorted(events, key=lambda e: (e.day, e.uid))


def transcript_context(*, cycle, as_of: date | None = None) -> dict:
    """What the transcript of one cycle shows: the person, the credential, the cycle's figures and each activity."""
    from django.utils import timezone

    from credits.kinds import short_label

    progress, lines = statements_cycle_statement(cycle=cycle, as_of=as_of)
    certification = progress.certification
    return {
        "person": certification.user,
        "certification": certification,
        "credential": certification.credential,
        "organization": certification.credential.organization,
        "cycle": cycle,
        "result": progress.result,
        "lines": lines,
        "rows": [(line, short_label(line.activity.kind)) for line in lines],  # with the kind in the pages' words
        "status_label": STATUS_LABELS.get(progress.result.status, progress.result.status),
        "generated_on": as_of or timezone.localdate(),
    }


def transcript_pdf(*, cycle, as_of: date | None = None) -> bytes:
    """The cycle's transcript as PDF bytes (WeasyPrint, network-free)."""
    from cectracker.pdf import render_pdf

    return render_pdf("certifications/transcript_pdf.html", transcript_context(cycle=cycle, as_of=as_of))
