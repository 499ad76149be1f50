from django_scopes import scopes_disabled

from accounts.models import Membership


def navigation(request):
    """The organizations and providers the signed-in user can act for, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def memberships():
        with scopes_disabled():
            return list(Membership.objects.filter(user=user).select_related("organization"))

    def providers():
        with scopes_disabled():
            return list(user.providers.select_related("organization"))

    def unread_notifications():
        from accounts.notifications.services import unread_count

        return unread_count(user=user)

    # Callables: the template calls each at most once, and only pages that show the nav pay the query.
    return {
        "nav_memberships": memberships,
        "nav_providers": providers,
        "nav_unread_notifications": unread_notifications,
    }
