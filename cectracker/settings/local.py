"""Local development: `make run` (SQLite, console email, eager Celery unless REDIS_URL is set)."""

from cectracker.settings.base import *  # noqa: F403
from cectracker.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
CECT_REQUIRE_MFA_FOR_ADMINS = env.bool("CECT_REQUIRE_MFA_FOR_ADMINS", default=False)
# Static files come straight from the app folders (no collectstatic needed to run locally).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
