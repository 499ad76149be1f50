import zoneinfo

from django.utils import timezone
from django_scopes import scope, scopes_disabled


class TenantScopeMiddleware:
    """Every request starts in an empty scope: organization data is reachable only inside the scope
    a staff view enters, or through selectors that filter by the requesting user themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and request.user.is_authenticated and request.user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        with scope():
            return self.get_response(request)


class UserTimezoneMiddleware:
    """Show times in the signed-in user's zone; everything is stored in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tz = getattr(request.user, "time_zone", None) if request.user.is_authenticated else None
        if tz:
            timezone.activate(zoneinfo.ZoneInfo(tz))
        else:
            timezone.deactivate()
        return self.get_response(request)
