"""Provider and employer API keys on the wire: `Authorization: Bearer <key>`, a permission and a per-key throttle."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_scopes import scopes_disabled
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from accounts.apikeys.models import EmployerApiKey, ProviderApiKey, api_key_prefix

# last_used_at is written at most this often per key, so a busy integration costs no write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates an API key of `model`; any other Authorization scheme (e.g. `Token`) is left to others."""

    keyword = "Bearer"
    model: type = ProviderApiKey
    related = "provider__organization"
    realm = "provider-api"

    def usable(self, key) -> bool:
        return key.is_active

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: expected `Bearer <key>`.")
        try:
            raw = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid API key.") from None
        prefix = api_key_prefix(raw)
        with scopes_disabled():
            key = self.model.objects.select_related(self.related).filter(prefix=prefix).first() if prefix else None
        if key is None or not key.matches(raw) or not self.usable(key):
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            with scopes_disabled():
                self.model.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        # A key is not a person: request.user stays anonymous, request.auth is the key.
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="{self.realm}"'


class ProviderKeyAuthentication(ApiKeyAuthentication):
    """A course provider's key (an inactive provider's keys are refused)."""

    def usable(self, key) -> bool:
        return key.is_active and key.provider.is_active


class EmployerKeyAuthentication(ApiKeyAuthentication):
    """An employer's key: it reads that employer's roster."""

    model = EmployerApiKey
    related = "organization"
    realm = "employer-api"


class IsProviderKey(permissions.BasePermission):
    """Only requests authenticated with a provider API key."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ProviderApiKey)


class IsEmployerKey(permissions.BasePermission):
    """Only requests authenticated with an employer API key."""

    def has_permission(self, request, view):
        return isinstance(request.auth, EmployerApiKey)


class ProviderKeyThrottle(throttling.SimpleRateThrottle):
    """Requests per API key, counted in the shared (Redis) cache; 429 with Retry-After beyond the rate."""

    scope = "provider"
    model: type = ProviderApiKey

    def get_rate(self):
        return settings.CECT_PROVIDER_API_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, self.model):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class EmployerKeyThrottle(ProviderKeyThrottle):
    """The same per-key limit for employer keys, counted apart."""

    scope = "employer"
    model = EmployerApiKey

    def get_rate(self):
        return settings.CECT_EMPLOYER_API_RATE


class ProviderKeyScheme(OpenApiAuthenticationExtension):
    """Documents the Bearer scheme in the OpenAPI schema."""

    target_class = "accounts.apikeys.auth.ProviderKeyAuthentication"
    name = "ProviderKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A provider API key, created by the organization's admin: `Authorization: Bearer cect_…`.",
        }


class EmployerKeyScheme(ProviderKeyScheme):
    target_class = "accounts.apikeys.auth.EmployerKeyAuthentication"
    name = "EmployerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An employer API key, created by the employer's admin: `Authorization: Bearer cect_…`.",
        }
