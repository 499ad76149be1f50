"""Production: every secret comes from the environment, with no default, so a missing one fails at start."""

import base64

from django.core.exceptions import ImproperlyConfigured

from cectracker.settings.base import *  # noqa: F403
from cectracker.settings.base import email_settings, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
REDIS_URL = env("REDIS_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
vars().update(email_settings())  # no default: without EMAIL_URL production does not start

ACCOUNT_EMAIL_VERIFICATION = "mandatory"
CECT_REQUIRE_MFA_FOR_ADMINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
STORAGES = {
    "default": {"BACKEND": env("DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Signs the Open Badges credentials (certifications/proof/): no default, and a key that is not a 32-byte
# Ed25519 seed in base64url stops the start rather than the first download.
CECT_SIGNING_KEY = env("CECT_SIGNING_KEY")
try:
    _seed = base64.urlsafe_b64decode(CECT_SIGNING_KEY + "=" * (-len(CECT_SIGNING_KEY) % 4))
except ValueError:
    _seed = b""
if len(_seed) != 32:
    raise ImproperlyConfigured("CECT_SIGNING_KEY must be a 32-byte Ed25519 seed, base64url-encoded.")
