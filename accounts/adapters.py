from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through Celery, after the transaction that asked for it commits."""

    def send_mail(self, template_prefix, email, context):
        msg = self.render_mail(template_prefix, email, context)
        from accounts.notifications.services import send_email_task

        html = next((body for body, mime in getattr(msg, "alternatives", []) if mime == "text/html"), None)
        payload = {"subject": msg.subject, "body": msg.body, "to": list(msg.to), "html": html}
        transaction.on_commit(lambda: send_email_task.delay(**payload))
