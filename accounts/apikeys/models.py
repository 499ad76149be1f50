"""API keys of course providers and employers: shown once, stored as a SHA-256 of a high-entropy secret."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

KEY_PREFIX = "cect_"


def api_key_hash(raw: str) -> str:
    """The stored form of a key (the key is 256 random bits, so a plain SHA-256 is enough)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_generate() -> tuple[str, str]:
    """A new (lookup prefix, full key); only the prefix and the key's hash are stored."""
    prefix = secrets.token_hex(6)
    return prefix, f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def api_key_prefix(raw: str) -> str | None:
    """The lookup prefix of a presented key, or None when it is not of our format."""
    if not raw.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = raw[len(KEY_PREFIX) :].partition("_")
    if not sep or len(prefix) != 12 or not secret:
        return None
    return prefix


class ApiKey(models.Model):
    """A key for the REST API (shown once, only its hash kept); each kind of key acts for one tenant."""

    name = models.CharField(max_length=100, help_text="What the key is for, e.g. the LMS integration.")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"{KEY_PREFIX}{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def matches(self, raw: str) -> bool:
        """Constant-time comparison of a presented key with the stored hash."""
        return hmac.compare_digest(self.key_hash, api_key_hash(raw))


class ProviderApiKey(ApiKey):
    """A provider's key for the REST API; it acts for that provider (and so its organization) only."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="api_keys")

    objects = ScopedManager(organization="provider__organization")

    class Meta(ApiKey.Meta):
        verbose_name = "provider API key"


class EmployerApiKey(ApiKey):
    """An employer's key for its roster API (HR systems); it reads that employer's roster only."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="employer_keys")

    objects = ScopedManager(organization="organization")

    class Meta(ApiKey.Meta):
        verbose_name = "employer API key"
