from datetime import date

from celery import shared_task

from .reminders import reminders_sweep


@shared_task(acks_late=True)
def reminders_sweep_task(*, as_of: str | None = None) -> dict[str, int]:
    """The daily sweep (django-celery-beat); `as_of` is an ISO date, today by default. Safe to run twice."""
    return reminders_sweep(as_of=date.fromisoformat(as_of) if as_of else None)
