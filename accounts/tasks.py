from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from .notifications import notification_send


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=1800, max_retries=8)
def send_email_task(self, *, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Send one email; SMTP failures are retried with backoff."""
    msg = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        msg.attach_alternative(html, "text/html")
    msg.send()


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,  # 30 s, 60 s, 120 s, ... capped below half the Redis visibility timeout
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def notification_send_task(self, *, notification_id: int) -> bool:
    """Email one notification from the ledger; a no-op if it was already sent."""
    return notification_send(notification_id=notification_id)
