"""Signal receivers: each hands over to one service."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver


@receiver(password_changed, dispatch_uid="accounts.revoke_api_token_on_password_changed")
@receiver(password_set, dispatch_uid="accounts.revoke_api_token_on_password_set")
@receiver(password_reset, dispatch_uid="accounts.revoke_api_token_on_password_reset")
def revoke_api_token_on_password_change(sender, request, user, **kwargs):
    """A new password ends every way in that the old one could have handed out: someone who took over
    the account (the usual reason to change it) must not keep its API token."""
    from accounts.services import api_token_revoke

    api_token_revoke(user=user, reason="password_changed")
