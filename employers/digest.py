"""The weekly digest to each employer's admins: who lapses, enters grace or loses CPR/AED in the next
60 days. Sent through the notification ledger, keyed by the week's Monday, so running the task twice
in one week (or after a crash) tells nobody twice; the email carries the ledger's one-click unsubscribe."""

from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Organization
from accounts.notifications.services import Request, notify_many
from certifications.rules.engine import GRACE, IN_PROGRESS, REQUIREMENTS_MET
from employers.selectors import HORIZON_DAYS, WITHDRAWN, RosterRow, roster_rows


def week_of(day: date) -> date:
    """The Monday of the ISO week `day` is in: the digest's key in the ledger."""
    return day - timedelta(days=day.weekday())


def digest_events(*, rows: list[RosterRow], as_of: date) -> list[dict[str, str]]:
    """What changes for the worse within the horizon, one line per trainer certification and event."""
    horizon = as_of + timedelta(days=HORIZON_DAYS)
    events = []
    for row in rows:
        if row.status == WITHDRAWN:
            continue
        whats = []
        if row.status in (IN_PROGRESS, REQUIREMENTS_MET) and row.cycle_end + timedelta(days=1) <= horizon:
            day = row.cycle_end + timedelta(days=1)
            whats.append(f"{'enters grace' if row.grace_until else 'expires'} on {day:%Y-%m-%d} unless renewed")
        elif row.status == GRACE and row.grace_until and row.grace_until + timedelta(days=1) <= horizon:
            whats.append(f"lapses on {row.grace_until + timedelta(days=1):%Y-%m-%d} unless renewed")
        cpr = row.cpr_aed_valid_until
        if cpr is not None and as_of <= cpr <= horizon:
            whats.append(f"CPR/AED expires on {cpr:%Y-%m-%d}")
        for what in whats:
            events.append(
                {"trainer": row.trainer, "location": row.location, "credential": row.credential, "what": what}
            )
    return events


def employer_digests_send(*, as_of: date | None = None) -> int:
    """Record this week's digest for every admin of every employer with something to report; returns how
    many were new. One roster evaluation per employer."""
    as_of = as_of or timezone.localdate()
    week = week_of(as_of)
    with scopes_disabled():
        admins = list(
            Membership.objects.filter(organization__kind=Organization.EMPLOYER, role=Membership.ADMIN)
            .select_related("user", "organization")
            .order_by("organization_id", "user_id")
        )
    by_employer: dict[int, list[Membership]] = {}
    for membership in admins:
        by_employer.setdefault(membership.organization_id, []).append(membership)
    requests = []
    for memberships in by_employer.values():
        employer = memberships[0].organization
        with scope(organization=employer):
            events = digest_events(rows=roster_rows(organization=employer, as_of=as_of), as_of=as_of)
        if not events:
            continue
        context = {
            "employer": employer.name,
            "week": f"{week:%B} {week.day}, {week.year}",
            "events": events,
            "count": len(events),
            "url": reverse("employer_roster", args=[employer.slug]),
        }
        requests += [
            Request(user=m.user, kind="employer_digest", key=f"employer:{employer.pk}", due_on=week, context=context)
            for m in memberships
        ]
    with transaction.atomic():
        return len(notify_many(requests=requests))


# Celery task: thin, calls the service above; keeps the name it was first published under.
@shared_task(name="employers.tasks.employer_digests_task", acks_late=True)
def employer_digests_task(*, as_of: str | None = None) -> int:
    """The weekly digest (django-celery-beat); `as_of` is an ISO date, today by default. Safe to run twice."""
    return employer_digests_send(as_of=date.fromisoformat(as_of) if as_of else None)
