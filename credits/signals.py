"""Signal receivers: each hands over to one service."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed, dispatch_uid="credits.claim_completions_on_email_confirmed")
def claim_completions_on_email_confirmed(sender, request, email_address, **kwargs):
    """Completions reported for this address before the person had an account now attach to them."""
    from credits.providers.services import completion_claims_attach

    completion_claims_attach(user=email_address.user, email=email_address.email)
