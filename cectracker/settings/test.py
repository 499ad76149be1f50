"""Tests: PostgreSQL and Redis when they answer (always in CI), otherwise SQLite and no Redis."""

import os
import socket
import sys
import tempfile

from cectracker.settings.base import *  # noqa: F403
from cectracker.settings.base import env


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


if "DATABASE_URL" not in os.environ and _answers("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/cectracker"
if "REDIS_URL" not in os.environ and _answers("127.0.0.1", 6379):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/15"

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///:memory:")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
REDIS_URL = env("REDIS_URL", default="")
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not USING_POSTGRES or not REDIS_URL:
    missing = [n for n, ok in (("PostgreSQL", USING_POSTGRES), ("Redis", REDIS_URL)) if not ok]
    print(f"tests: {' and '.join(missing)} not reachable; tests that need them are skipped", file=sys.stderr)

# The cache stays in-process so tests do not share rate-limit counters; tests that need Redis
# (rate limits, real worker) configure it themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="cect-media-")
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CECT_REQUIRE_MFA_FOR_ADMINS = True
CECT_RULES_CACHE_SECONDS = 0  # every test sees the rule sets it just created
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"evaluate": "100000/min", "intake": "100000/min"}}  # noqa: F405

if env.bool("CECT_REQUIRE_SERVICES", default=False) and (not USING_POSTGRES or not REDIS_URL):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CI requires PostgreSQL and Redis; refusing to fall back to SQLite.")
CECT_PROVIDER_API_RATE = "100000/min"
# A fixed signing key for tests (any 32 bytes are an Ed25519 seed); tests of rotation override it.
CECT_SIGNING_KEY = env("CECT_SIGNING_KEY", default="dGVzdHMtb25seS1lZDI1NTE5LXNlZWQtMzItYnl0ZXM")
