"""Local development: `make run` (SQLite, console email, eager Celery unless REDIS_URL is set)."""

from cectracker.settings.base import *  # noqa: F403
from cectracker.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
CECT_REQUIRE_MFA_FOR_ADMINS = env.bool("CECT_REQUIRE_MFA_FOR_ADMINS", default=False)
# Static files come straight from the app folders (no collectstatic needed to run locally).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if not CECT_SIGNING_KEY:  # noqa: F405
    # `make run`: a demo signing key, generated once and kept beside the SQLite database (never committed).
    import base64
    import secrets

    _key_file = BASE_DIR / ".dev-signing-key"  # noqa: F405
    if not _key_file.exists():
        _key_file.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode())
    CECT_SIGNING_KEY = _key_file.read_text().strip()
