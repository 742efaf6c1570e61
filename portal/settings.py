"""Settings for the M-Pesa developer portal, driven entirely by environment variables.

The embedded defaults need no service at all (SQLite under var/, local-memory cache,
Celery on kombu's filesystem transport, console email and SMS), so `make run` works on
a fresh machine. `DATABASE_URL` and `REDIS_URL` switch to the real services. Every
variable is documented in README.md.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# The suite sets its own folder (and queue, cache prefix, SMS backend) through these same
# variables (tests/settings.py): nothing here knows about tests.
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

# --- Core ---------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)
_INSECURE_SECRET = "insecure-dev-only-secret-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_SECRET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORT = env.int("PORT", default=8000)
# The address developers use to reach this portal's sandbox (samples, console, docs).
# Empty means "the host of the current request".
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
LIVE_BASE_URL = env.str("LIVE_BASE_URL", default="https://openapi.m-pesa.com:443/openapi/ipg/v2")

# Secrets at rest (API key copies, gateway private keys, signing secrets) are encrypted
# with Fernet. FIELD_ENCRYPTION_KEYS is a comma-separated list: the first key encrypts,
# every key decrypts, so the key can be rotated (see docs/operations.md).
_dev_fernet_key = base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[_dev_fernet_key])

if not DEBUG:
    # Refuse to start with insecure defaults: a production portal must set its own.
    if SECRET_KEY == _INSECURE_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DEBUG is off but SECRET_KEY is the insecure default (or shorter than 50 "
            "characters). Set SECRET_KEY to a long random value."
        )
    if "FIELD_ENCRYPTION_KEYS" not in env.ENVIRON:
        raise ImproperlyConfigured(
            "DEBUG is off but FIELD_ENCRYPTION_KEYS is not set. Generate one with "
            "`python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`."
        )
    # Host-header injection: with "*" Django builds absolute links (password-reset and
    # activation emails) from whatever Host the client sent (issue 18, finding 7).
    if not ALLOWED_HOSTS or any(host.strip() in {"*", ""} for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured(
            "DEBUG is off but ALLOWED_HOSTS is empty or contains '*'. List the portal's "
            "public host names, e.g. ALLOWED_HOSTS=portal.example.com."
        )

# --- Applications -------------------------------------------------------------------

INSTALLED_APPS = [
    # The admin with the portal's site: staff need two-factor sign-in (portal/admin_site.py).
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ops",
    "accounts",
    "apis",
    "sandbox",
    "callbacks",
    "reports",
    "golive",
    "dashboard",
]

MIDDLEWARE = [
    # First: every log line of the request, and the tasks it causes, carry its id.
    "ops.middleware.RequestIdMiddleware",
    # Gateway clients send any Host header (sandbox/middleware.py).
    "sandbox.middleware.GatewayHostMiddleware",
    "portal.middleware.RequestLogMiddleware",
    "ops.middleware.GatewayMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    # Gateway calls are answered here, past the page middleware below (portal/middleware.py).
    "portal.middleware.GatewayShortcutMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else Accept-Language (docs/i18n.md).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: a signed-in developer's stored language wins.
    "accounts.middleware.UserLanguageMiddleware",
    # After allauth: signed-in developers finish the phone step before anything else.
    "accounts.middleware.PhoneStepMiddleware",
    # Dates render in the signed-in developer's time zone (accounts/timezones.py).
    "accounts.middleware.TimeZoneMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded SQLite serves several processes (web workers, Celery): WAL lets readers
    # and one writer proceed together; IMMEDIATE transactions take the write lock up front
    # so two writers queue on the busy timeout instead of failing with "database is
    # locked" halfway through. synchronous=FULL keeps every acknowledged call durable.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000;"
        ),
    }
    # Tests run a live server thread and Celery/Java/gunicorn subprocesses that must all
    # see the test database, so it is a file rather than ":memory:".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_portal")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The gateway's own fixed statements (sandbox.rows.statement_cursor) are prepared on
    # the server once a connection has run one this many times, so PostgreSQL plans each
    # once per connection (docs/performance.md). Django's ORM queries are never prepared
    # (client-side binding). Behind PgBouncer in transaction mode, give it
    # max_prepared_statements (1.21+) or set DATABASE_PREPARE_THRESHOLD=off.
    _prepare = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if _prepare.lower() in {"", "off"} else int(_prepare)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache and Celery ---------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.PrefixedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _broker_dir = VAR_DIR / "celery" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    # portalfs:// is kombu's filesystem transport with atomic writes (portal/broker.py).
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="portalfs://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        # Fanout (remote control) exchanges: kombu's default is ./control in the cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        # kombu polls the folder, and sleeps this long whenever a worker's prefetch slots
        # are full (default 1 s): that capped callbacks at ~2/s per worker (docs/callbacks.md).
        "polling_interval": 0.05,
    }

CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for another
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless
# this is set; it then closes it only every 2 x this many tasks. Set high: the connection
# lives by CONN_MAX_AGE and is closed when broken, checked around each task
# (portal/celery.py, keep_database_connections), as for a web request. Opening a
# PostgreSQL connection per task cost more than the rest of a callback delivery.
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "record-worker-heartbeat": {
        "task": "portal.tasks.record_heartbeat",
        "schedule": 30.0,
    },
    # Reports: keep every key's roll-up current, so a Generate never pays for history.
    "roll-up-report-slots": {
        "task": "reports.tasks.roll_up_keys",
        "schedule": 300.0,
    },
    # Emails to developers: failing callbacks (hourly digest), error-rate jumps (ops/alerts.py).
    "send-developer-alerts": {
        "task": "ops.tasks.send_developer_alerts",
        "schedule": 300.0,
    },
    # Re-enqueues callback deliveries that are due and were never picked up (docs/callbacks.md).
    # callbacks/tasks.py, registered under its original name.
    "sweep-callbacks": {
        "task": "sandbox.tasks.sweep_callbacks",
        "schedule": env.float("CALLBACK_SWEEP_INTERVAL_SECONDS", default=60.0),
    },
}

# --- Auth (django-allauth) ----------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:profile"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = env.int(
    "ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS", default=3
)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Rate limits count per client address. Behind N reverse proxies of your own, set
# TRUSTED_PROXY_COUNT=N so allauth reads the address from X-Forwarded-For; otherwise every
# client shares the proxy's address, and one abuser's limit locks everyone out. 0 trusts
# no header (a client could forge it).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[M-Pesa Developer Portal] "
# One email address per account; a change stays pending until the new address is
# verified by its link (allauth's "change email" mode).
ACCOUNT_CHANGE_EMAIL = True
# Password reset and sign-up answer the same whether or not an address has an account:
# a taken address at sign-up shows the usual "check your email" page and its owner gets
# an "account already exists" email (issue 18, finding 6; docs/security.md). Taken
# usernames are still named (they are public). A signed-in email change still says
# "taken" (accounts/enumeration.py).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Two-factor sign-in (issue 18): an authenticator app (TOTP) and passkeys (WebAuthn, the
# fido2 package), each with recovery codes, turned on from My Profile and required of
# staff (portal/admin_site.py). docs/security.md, "Two-factor sign-in".
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# "Sign in with a passkey" on the sign-in page: a passkey made with "Use it to sign in
# without a password" is the whole sign-in (it asks for the device's PIN or fingerprint,
# so it is two factors in itself). allauth limits these sign-ins per address
# (MFA_RATE_LIMITS "webauthn_login", 10/m/ip by default).
MFA_PASSKEY_LOGIN_ENABLED = True
# The passkey's relying party is the host name the browser used (allauth's adapter). A
# browser offers passkeys only in a secure context: https://, or http://localhost (not
# http://127.0.0.1: an address is no RP ID), which fido2 accepts as it is. So
# MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN stays off everywhere: it would skip the origin check
# altogether. In development open http://localhost:8000/ to try passkeys.
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="M-Pesa Developer Portal")
MFA_FORMS = {"add_webauthn": "accounts.forms.AddPasskeyForm"}
# Wrong second-factor codes count against the same "login_failed" limit as wrong
# passwords (allauth keys it on the account: mfa-auth-user-<pk>).
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "add_email": "accounts.enumeration.ChangeEmailForm",
}

# --- Email and SMS ------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if "EMAIL_URL" in env.ENVIRON:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="M-Pesa Developer Portal <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS backends are chosen like EMAIL_BACKEND: console (default), locmem (tests), file.
SMS_BACKEND = env.str("SMS_BACKEND", default="accounts.sms.ConsoleBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
# Africa's Talking (SMS_BACKEND=accounts.sms.AfricasTalkingBackend): the account's
# username ("sandbox" for their sandbox), API key, and the registered sender id or short
# code (empty: the provider's default). AT_API_URL overrides the SDK's API root.
AT_USERNAME = env.str("AT_USERNAME", default="")
AT_API_KEY = env.str("AT_API_KEY", default="")
AT_SENDER_ID = env.str("AT_SENDER_ID", default="")
AT_API_URL = env.str("AT_API_URL", default="")
# The phone step's one-time codes: lifetime, wrong guesses allowed per code, and the
# wait between two codes sent to one account.
PHONE_CODE_TTL_SECONDS = env.int("PHONE_CODE_TTL_SECONDS", default=600)
PHONE_CODE_MAX_ATTEMPTS = env.int("PHONE_CODE_MAX_ATTEMPTS", default=5)
PHONE_CODE_RESEND_SECONDS = env.int("PHONE_CODE_RESEND_SECONDS", default=60)
# Codes sent per UTC day to one number, and by the whole portal (SMS cost, abuse).
PHONE_CODES_PER_NUMBER_PER_DAY = env.int("PHONE_CODES_PER_NUMBER_PER_DAY", default=3)
PHONE_CODES_PER_DAY = env.int("PHONE_CODES_PER_DAY", default=2000)

# --- Internationalisation -----------------------------------------------------------

LANGUAGE_CODE = "en"
# English, and the languages of the markets: French (DRC), Portuguese (Mozambique) and
# Swahili (Tanzania). Names in their own language, as the switcher shows them.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("sw", "Kiswahili"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (Go Live documents): never served as static or media URLs, only through
# views that check who asks (golive.views.document). Local files under var/media by
# default; an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (django-storages,
# docs/golive.md "Documents").
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-not-served/"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
_DEFAULT_STORAGE: dict = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -----------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Only a proxy of our own may say the client used HTTPS: without one, any client could
    # send X-Forwarded-Proto and pass as secure (issue 18, finding 14).
    if ALLAUTH_TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The health probe is served over plain HTTP inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# Request bodies above this are refused before parsing (the gateway's payloads are small).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)

# --- REST framework -----------------------------------------------------------------

REST_FRAMEWORK = {
    # No HTTP Basic (DRF's default): it would test passwords outside allauth's rate limits.
    # The partner API authenticates by gateway bearer (reports.api.authentication).
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    # The partner API's limit per API key (reports/api/throttling.py), in the shared cache.
    "DEFAULT_THROTTLE_RATES": {"partner": env.str("PARTNER_API_RATE", default="120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "M-Pesa Developer Portal partner API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Sandbox gateway ----------------------------------------------------------------

# Session ids from getSession: activation delay (reference §3.3, §13.1). Their lifetime is
# each application's setting (Application.session_lifetime_seconds).
SANDBOX_SESSION_ACTIVATION_DELAY_SECONDS = env.int(
    "SANDBOX_SESSION_ACTIVATION_DELAY_SECONDS", default=0
)
# Per-key rate limit of the gateway, requests per minute (generous by default).
SANDBOX_RATE_LIMIT_PER_MINUTE = env.int("SANDBOX_RATE_LIMIT_PER_MINUTE", default=6000)
# How long a decrypted bearer is remembered (digest -> credential); the credential's
# state is still checked on every call.
SANDBOX_BEARER_CACHE_SECONDS = env.int("SANDBOX_BEARER_CACHE_SECONDS", default=3600)
# Failed bearer authentications per client address per minute (address as
# TRUSTED_PROXY_COUNT says) that may cost RSA work; past it the same refusal comes back
# without any (docs/gateway.md, "Bearer failures"). Malformed bearers never cost RSA.
SANDBOX_AUTH_FAILURES_PER_MINUTE = env.int("SANDBOX_AUTH_FAILURES_PER_MINUTE", default=60)

# --- Async callbacks ----------------------------------------------------------------

CALLBACK_ALLOW_PRIVATE_NETWORKS = env.bool("CALLBACK_ALLOW_PRIVATE_NETWORKS", default=DEBUG)
CALLBACK_TIMEOUT_SECONDS = env.float("CALLBACK_TIMEOUT_SECONDS", default=10.0)
# A worker's claim on a delivery lasts 3x the timeout plus this margin (the bookkeeping on
# either side of the POST); a claim left by a killed worker expires after it.
CALLBACK_CLAIM_MARGIN_SECONDS = env.float("CALLBACK_CLAIM_MARGIN_SECONDS", default=30.0)
# A delivery task claims its own callback and up to this many minus one other due
# callbacks of the same application, posts them in turn and records them together
# (callbacks/delivery.py): fewer database round trips per callback under load.
CALLBACK_BATCH_SIZE = env.int("CALLBACK_BATCH_SIZE", default=20)
CALLBACK_MAX_ATTEMPTS = env.int("CALLBACK_MAX_ATTEMPTS", default=8)
# Backoff base: attempt n waits about base * 4**(n-1) seconds (with jitter): with 30 s and
# 8 attempts the last is about a day after the first.
CALLBACK_BACKOFF_BASE_SECONDS = env.float("CALLBACK_BACKOFF_BASE_SECONDS", default=30.0)
# No single wait is longer than this (12 h): the 8 attempts then span about a day.
CALLBACK_BACKOFF_MAX_SECONDS = env.float("CALLBACK_BACKOFF_MAX_SECONDS", default=43200.0)
# The sweep leaves a due delivery this long to the normal path before enqueueing it.
CALLBACK_SWEEP_GRACE_SECONDS = env.float("CALLBACK_SWEEP_GRACE_SECONDS", default=60.0)
# CA bundle that https callback URLs are verified against (empty: certifi's public CAs).
CALLBACK_CA_BUNDLE = env.str("CALLBACK_CA_BUNDLE", default="")
# Callback tools (docs/callbacks.md). Fault injection's shuffle holds each delivery a
# random 0..N seconds; an async result not delivered after this long is "hanging".
CALLBACK_SHUFFLE_WINDOW_SECONDS = env.float("CALLBACK_SHUFFLE_WINDOW_SECONDS", default=10.0)
CALLBACK_HANGING_AFTER_SECONDS = env.float("CALLBACK_HANGING_AFTER_SECONDS", default=600.0)
# `mpesa_portal_sdk listen`: one long poll waits at most this long; a listener counts as
# connected this long after its last poll; it must report a delivery within its lease.
CALLBACK_LISTEN_MAX_WAIT_SECONDS = env.float("CALLBACK_LISTEN_MAX_WAIT_SECONDS", default=25.0)
CALLBACK_LISTENER_TTL_SECONDS = env.float("CALLBACK_LISTENER_TTL_SECONDS", default=40.0)
CALLBACK_LISTENER_LEASE_SECONDS = env.float("CALLBACK_LISTENER_LEASE_SECONDS", default=30.0)

# --- Vulnerability reports ------------------------------------------------------------

# Contact lines of /.well-known/security.txt (RFC 9116): mailto: or https: URIs, comma
# separated. Set it to a monitored address in production.
SECURITY_CONTACT = env.list("SECURITY_CONTACT", default=["mailto:security@localhost"])

# --- Go Live ------------------------------------------------------------------------

GOLIVE_REVIEWER_EMAILS = env.list("GOLIVE_REVIEWER_EMAILS", default=["golive@localhost"])
# Go Live conformance (docs/golive.md): how soon after a timeout (INS-9) a Query
# Transaction Status of that call resolves the unknown outcome.
GOLIVE_TIMEOUT_RESOLUTION_SECONDS = env.int("GOLIVE_TIMEOUT_RESOLUTION_SECONDS", default=600)

# --- Logging: everything to stdout, one line per request -----------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# LOG_FORMAT=json: one JSON object a line (ts, level, logger, message, request_id and
# the record's extra fields) for a log collector; "plain" for people.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "telemetry.logs.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "telemetry.logs.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own defaults (a console handler in DEBUG, mail_admins) would bypass
        # the redaction filter: everything of Django's goes to our handlers instead.
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # Our request log replaces runserver's own access lines.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django.request": {"level": "ERROR"},
    },
}
# Every handler, whoever adds it, takes secrets out of what it writes (issue 18, finding
# 2: reset keys in django.security.csrf paths, MSISDNs in query strings, bearers).
LOGGING["filters"] = {
    **LOGGING.get("filters", {}),  # type: ignore[dict-item]
    "redact_secrets": {"()": "portal.logredact.RedactSecretsFilter"},
}
for _handler in LOGGING["handlers"].values():  # type: ignore[attr-defined]
    if "redact_secrets" not in _handler.setdefault("filters", []):
        _handler["filters"].append("redact_secrets")

# --- Metrics and error tracking (docs/operations.md, "Monitoring") -------------------

# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is a 404.
# Under gunicorn, gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR so the workers' counts
# are summed.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if _multiproc_dir := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # prometheus-client opens its files there as soon as a metric is defined.
    Path(_multiproc_dir).mkdir(parents=True, exist_ok=True)
# A Celery worker serves its own counters (callback outcomes) on this port; 0: off.
METRICS_WORKER_PORT = env.int("METRICS_WORKER_PORT", default=0)
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from ops.errors import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
    )

# --- Production refusals (DEBUG=0), checked once every setting above is known -------

# A local-memory cache is per process: with several gunicorn workers, the sign-in, reset
# and gateway rate limits would count per worker (issue 18, finding 3).
SINGLE_PROCESS = env.bool("SINGLE_PROCESS", default=False)
if not DEBUG and not REDIS_URL and not SINGLE_PROCESS:
    raise ImproperlyConfigured(
        "DEBUG is off but REDIS_URL is not set: the cache would be per process, so rate "
        "limits would count per web worker. Set REDIS_URL, or SINGLE_PROCESS=1 if the "
        "portal really runs as one process."
    )

# Console email and SMS print activation and reset links and phone codes to the log,
# where whoever reads logs could take accounts over (issue 18, finding 8).
_CONSOLE_DELIVERY = {
    "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    "SMS_BACKEND": "accounts.sms.ConsoleBackend",
}
ALLOW_CONSOLE_DELIVERY = env.bool("ALLOW_CONSOLE_DELIVERY", default=False)
if not DEBUG and not ALLOW_CONSOLE_DELIVERY:
    for _name, _console in _CONSOLE_DELIVERY.items():
        if vars()[_name] == _console:
            raise ImproperlyConfigured(
                f"DEBUG is off but {_name} is the console backend: links and codes would "
                "be printed to the log. Set EMAIL_URL to a real SMTP server and SMS_BACKEND "
                "to your provider's backend, or ALLOW_CONSOLE_DELIVERY=1 for a trial."
            )
