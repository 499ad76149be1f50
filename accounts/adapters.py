from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction


def site() -> SimpleNamespace:
    """The site as emails name it, from settings: never the host a request happened to use."""
    return SimpleNamespace(name=settings.CECT_SITE_NAME, domain=urlsplit(settings.CECT_SITE_URL).netloc)


def site_link(url: str, *, request_host: str | None) -> str:
    """A link allauth built from the request's host, moved to SITE_URL: every email link starts there."""
    parts = urlsplit(url)
    if request_host is None or parts.scheme not in ("http", "https") or parts.netloc != request_host:
        return url
    from accounts.notifications.services import absolute

    return absolute(parts._replace(scheme="", netloc="").geturl())


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through Celery, after the transaction that asked for it commits."""

    def format_email_subject(self, subject):
        return f"[{settings.CECT_SITE_NAME}] {subject}"

    def send_mail(self, template_prefix, email, context):
        # allauth builds its links (confirm, reset, sign up) from the request's host; emails use SITE_URL.
        request = context.get("request") or self.request
        host = request.get_host() if request is not None else None
        links = {k: site_link(v, request_host=host) for k, v in context.items() if isinstance(v, str)}
        context = {**context, **links, "current_site": site()}
        msg = self.render_mail(template_prefix, email, context)
        from accounts.notifications.services import send_email_task

        html = next((body for body, mime in getattr(msg, "alternatives", []) if mime == "text/html"), None)
        payload = {"subject": msg.subject, "body": msg.body, "to": list(msg.to), "html": html}
        transaction.on_commit(lambda: send_email_task.delay(**payload))
