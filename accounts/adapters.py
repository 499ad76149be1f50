from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction


def site() -> SimpleNamespace:
    """The site as emails name it, from settings: never the host a request happened to use."""
    return SimpleNamespace(name=settings.CECT_SITE_NAME, domain=urlsplit(settings.CECT_SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through Celery, after the transaction that asked for it commits."""

    def format_email_subject(self, subject):
        return f"[{settings.CECT_SITE_NAME}] {subject}"

    def send_mail(self, template_prefix, email, context):
        context = {**context, "current_site": site()}
        msg = self.render_mail(template_prefix, email, context)
        from accounts.notifications.services import send_email_task

        html = next((body for body, mime in getattr(msg, "alternatives", []) if mime == "text/html"), None)
        payload = {"subject": msg.subject, "body": msg.body, "to": list(msg.to), "html": html}
        transaction.on_commit(lambda: send_email_task.delay(**payload))
