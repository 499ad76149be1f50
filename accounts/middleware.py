import zoneinfo
from urllib.parse import unquote

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django_scopes import scope, scopes_disabled


class RejectNulMiddleware:
    """A NUL character in the path or the query string is a 400 before any view runs: PostgreSQL
    refuses it even in a WHERE clause, so every lookup it reached would be a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = "A NUL character is not allowed here."
        if "\x00" in request.path:
            errors = {"detail": message}
        elif "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            errors = {key: [message] for key, values in request.GET.lists() if "\x00" in key + "".join(values)}
        else:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(errors or {"detail": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class ApiJsonErrorsMiddleware:
    """Every answer under /api/ is JSON: Django's own error pages (a path no API route matches, a method a
    plain view refuses, a server error) become `{"detail": ...}` with the same status. The schema's Swagger
    UI (/api/docs/) is a page and stays one; so does any successful answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/")
        ):
            json_response = JsonResponse({"detail": response.reason_phrase}, status=response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response


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
