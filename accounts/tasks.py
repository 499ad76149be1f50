from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=1800, max_retries=8)
def send_email_task(self, *, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Send one email; SMTP failures are retried with backoff."""
    msg = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        msg.attach_alternative(html, "text/html")
    msg.send()
