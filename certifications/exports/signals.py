"""A new password ends the private calendar feed too, as it ends the API token (accounts/signals.py): someone
who took over the account must not keep reading the person's deadlines from a feed address they created."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver


@receiver(password_changed, dispatch_uid="exports.revoke_calendar_feed_on_password_changed")
@receiver(password_set, dispatch_uid="exports.revoke_calendar_feed_on_password_set")
@receiver(password_reset, dispatch_uid="exports.revoke_calendar_feed_on_password_reset")
def revoke_calendar_feed_on_password_change(sender, request, user, **kwargs):
    from certifications.exports.services import calendar_feed_revoke

    calendar_feed_revoke(user=user)
