"""Settings shared by every environment; each value comes from the environment (django-environ)."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="local-only-insecure-key-do-not-use-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the site form renderer below
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "auditlog",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "certifications",
    "credits",
    "audits",
    "employers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.ApiJsonErrorsMiddleware",
    "accounts.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.TenantScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "cectracker.urls"
WSGI_APPLICATION = "cectracker.wsgi.application"

# Forms render through the project templates, so every field puts its errors under itself.
FORM_RENDERER = "cectracker.renderers.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional locally: without REDIS_URL, the cache is in-process and Celery runs eagerly.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# django-allauth: email is the login; no usernames.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"  # adds the name
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# The sixth failed login for one account within five minutes is refused.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,5/5m/key"}
# How many reverse proxies of ours sit in front of the app, each appending to X-Forwarded-For: the
# client's address is the entry that many places from the end. 0 = none: the header is ignored and
# REMOTE_ADDR is the client, since anyone can send X-Forwarded-For and so get a fresh per-address limit.
# allauth's (login rate limits); DRF's is REST_FRAMEWORK["NUM_PROXIES"] (the calculator's throttle).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CEC Tracker"
# Organization admins must have TOTP before they reach the back office.
CECT_REQUIRE_MFA_FOR_ADMINS = env.bool("CECT_REQUIRE_MFA_FOR_ADMINS", default=True)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# "Mar 14, 2026" for people everywhere (cectracker/formats/en/formats.py); ISO in the API and files.
FORMAT_MODULE_PATH = ["cectracker.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads go through the storage API; MEDIA_ROOT is never served directly (evidence is served by
# authorized views), so production can swap in S3-compatible storage via django-storages.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads spool to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 12_582_912  # JSON bodies of bulk provider reports
DATA_UPLOAD_MAX_NUMBER_FILES = 50  # certificate intake reads up to 50 files an upload
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
ROSTER_MAX_BYTES = 10 * 1024 * 1024  # provider roster files (CSV/XLSX); 10,000 rows take about 1 MB


def email_settings(*, default=environ.Env.NOTSET) -> dict:
    """The EMAIL_* settings from EMAIL_URL, then EMAIL_FILE_PATH and EMAIL_BACKEND over it.

    One function for every environment: production parses EMAIL_URL again (without a default, so a
    missing one stops it) and used to lose both overrides that way."""
    config = env.email("EMAIL_URL", default=default)
    path = config.get("EMAIL_FILE_PATH") or ""
    if config["EMAIL_BACKEND"].endswith(".filebased.EmailBackend") and path and not path.startswith("/"):
        # django-environ drops the leading slash of filemail:///var/mail: the folder meant is absolute.
        config["EMAIL_FILE_PATH"] = "/" + path
    if env("EMAIL_FILE_PATH", default=""):
        config["EMAIL_FILE_PATH"] = env("EMAIL_FILE_PATH")
    # Any Django email backend by dotted path (e.g. an API-based provider); overrides EMAIL_URL's.
    config["EMAIL_BACKEND"] = env("EMAIL_BACKEND", default=config["EMAIL_BACKEND"])
    return config


vars().update(email_settings(default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CEC Tracker <no-reply@cectracker.local>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Absolute links in emails (reminders, one-click unsubscribe) start with this.
CECT_SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
CECT_SITE_NAME = env("SITE_NAME", default="CEC Tracker")
# Proof of certification (certifications/proof/): the Ed25519 key that signs Open Badges credentials, as its
# 32-byte seed in base64url; retired keys' public halves (multibase z6Mk...) stay published so older credentials
# still verify. Production requires the key; local and test settings make their own.
CECT_SIGNING_KEY = env("CECT_SIGNING_KEY", default="")
CECT_RETIRED_SIGNING_KEYS = env.list("CECT_RETIRED_SIGNING_KEYS", default=[])
CECT_DID = env("CECT_DID", default="")  # default: did:web of SITE_URL
CECT_MESSAGE_ID_DOMAIN = env("MESSAGE_ID_DOMAIN", default="cectracker.local")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's defaults with its JSON parser replaced: NUL, lone surrogates and deep nesting are a 400.
    "DEFAULT_PARSER_CLASSES": [
        "cectracker.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "cectracker.pagination.LimitOffsetPage",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "cectracker.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "evaluate": env("EVALUATE_RATE", default="120/min"),
        "intake": env("INTAKE_RATE", default="30/hour"),  # certificate uploads per person (OCR is costly)
    },
    # Reverse proxies in front of the app (see ALLAUTH_TRUSTED_PROXY_COUNT). DRF's own default, None,
    # takes the whole X-Forwarded-For as the client, so each made-up header was a new client.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
# Provider API requests per key (DRF rate syntax), counted in the default cache.
CECT_PROVIDER_API_RATE = env("PROVIDER_API_RATE", default="600/min")
# Employer roster API requests per key.
CECT_EMPLOYER_API_RATE = env("EMPLOYER_API_RATE", default="600/min")
# How long a provider's Idempotency-Key and its first answer are kept.
CECT_IDEMPOTENCY_KEY_HOURS = 24
SPECTACULAR_SETTINGS = {
    "TITLE": "CEC Tracker API",
    "DESCRIPTION": "Continuing-education credits for fitness professionals: calculator, trainer and provider APIs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several components have a "status" field with different choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "CycleStatusEnum": "certifications.rules.engine.STATUSES",
        "ReceiptStatusEnum": ["accepted", "rejected"],
    },
    # /api/docs/ serves Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# The plain JsonResponse view at /api/v1/bench/plain that bench/evaluate.py compares the calculator with
# is served only when DEBUG or CECT_BENCH is on.
CECT_BENCH = env.bool("CECT_BENCH", default=False)
# How long a process keeps credentials and published rule-set versions for the public calculator (seconds;
# 0 = read them on every request). A newly published version reaches the calculator within this time.
CECT_RULES_CACHE_SECONDS = env.int("CECT_RULES_CACHE_SECONDS", default=60)

# Celery: configured from these settings (CELERY_ namespace).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600  # the longest job (an audit packet) is killed after this
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB: PDF rendering workers recycle
# The longest retry delay of any task (exponential backoff stops growing here).
CECT_TASK_RETRY_DELAY_MAX = 900
# Redis hands an unacknowledged message to another worker after the visibility timeout: it must outlast
# the longest job (or a live one would run twice) and twice the longest retry delay (or a waiting retry
# is delivered again and again). 30 minutes: three times the packet's time limit. A worker killed whole
# leaves its messages unacknowledged that long; audit packets come back sooner, through the
# audit-packets-requeue beat task (audits.services.audit_packets_requeue).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(3 * CELERY_TASK_TIME_LIMIT, 2 * CECT_TASK_RETRY_DELAY_MAX),
}
# Tasks are defined beside the services they run (as pretix does); a worker imports these modules.
CELERY_IMPORTS = [
    "accounts.notifications.services",
    "audits.services",
    "certifications.reminders",
    "certifications.statements.services",
    "credits.providers.services",
    "employers.digest",
    "credits.intake.services",
]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# Periodic work lives here, in code: the DatabaseScheduler copies these entries into
# django-celery-beat's PeriodicTask table when beat starts (visible in the admin, last run kept
# in the database), and every environment gets the same schedule without a data migration.
CELERY_BEAT_SCHEDULE = {
    "reminders-daily-sweep": {
        "task": "certifications.tasks.reminders_sweep_task",
        # 13:00 UTC: morning in the Americas. A missed run is caught up by the next (see reminders.py).
        "schedule": crontab(minute=0, hour=env.int("REMINDERS_HOUR_UTC", default=13)),
    },
    # Audits not answered in time fail (the cycle becomes inactive); reminders 7 days before the deadline.
    "audits-daily-sweep": {"task": "audits.tasks.audits_sweep_task", "schedule": crontab(minute=30, hour=5)},
    # Provider API idempotency keys are kept 24 hours.
    "purge-provider-idempotency-keys": {"task": "credits.tasks.idempotency_keys_purge_task", "schedule": 3600.0},
    # Stored cycle statements against a fresh evaluation, every night; drift is logged as an error.
    "statements-nightly-verify": {
        "task": "certifications.statements.verify_task",
        "schedule": crontab(minute=15, hour=3),
    },
    # Employers' admins get one digest a week (Monday morning in the Americas); a second run that week adds nothing.
    "employer-weekly-digest": {
        "task": "employers.tasks.employer_digests_task",
        "schedule": crontab(minute=0, hour=12, day_of_week="mon"),
    },
    # Audit packets whose worker died (queued or running past the task time limit) are sent again.
    "audit-packets-requeue": {"task": "audits.tasks.audit_packets_requeue_task", "schedule": 300.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO (pikepdf announces itself in every
    # process); keep their warnings only, such as qpdf's on a damaged evidence file.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "pikepdf")},
}
