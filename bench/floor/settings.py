"""Settings of the bare floor: the portal's database settings, nothing else.

DATABASE_URL as the portal reads it (PostgreSQL: the same database, tables floor_*);
without it, SQLite in PORTAL_VAR_DIR with the portal's PRAGMAs (WAL, synchronous=FULL,
IMMEDIATE transactions). Persistent connections as the portal's (CONN_MAX_AGE).
"""

from __future__ import annotations

from pathlib import Path

import environ

env = environ.Env()
VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default="/tmp/portal-bench-floor"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = "bench-floor-only-never-deployed"  # noqa: S105 (no sessions, no signing)
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "floor.urls"
WSGI_APPLICATION = "floor.wsgi.application"
INSTALLED_APPS = ["floor.ledger"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# The same as portal/settings.py, "Database" (keep them in step).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'floor.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # As the portal's; no effect here: the ORM's client-side binding never prepares.
    _prepare = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if _prepare.lower() in {"", "off"} else int(_prepare)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000;"
        ),
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
