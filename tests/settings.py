"""The suite's settings: the portal's own settings (portal/settings.py), read in the test
environment set here.

portal/settings.py knows nothing about tests. This module fills in the environment
variables it reads, in os.environ and before importing it, so every process a test starts
(a Celery worker, gunicorn, manage.py) inherits the same environment. Variables already
set win (.ci/run sets PORTAL_VAR_DIR, DATABASE_URL, REDIS_URL).

pytest-django loads this module (DJANGO_SETTINGS_MODULE in pyproject.toml) before any
conftest.py: a conftest cannot set the environment in time.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Each pytest-xdist worker (gw0, gw1, ...) gets its own var/ folder (SQLite test database
# file, filesystem broker), Celery queue and cache prefix, so parallel workers never share
# a file or consume each other's tasks; the suite as a whole stays out of the var/ of a
# running `make run`. The root is remembered so that a process started from a worker (it
# inherits PYTEST_XDIST_WORKER) lands in the same folder, not one level deeper.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_ROOT = os.environ.setdefault(
    "PORTAL_TEST_VAR_ROOT", os.environ.get("PORTAL_VAR_DIR") or str(BASE_DIR / "var" / "test")
)
os.environ["PORTAL_VAR_DIR"] = str(Path(_ROOT) / _WORKER)
if _WORKER:
    os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", f"celery-{_WORKER}")
    os.environ.setdefault("CACHE_KEY_PREFIX", f"test-{_WORKER}")
# Text messages are kept in memory for the tests to read (accounts.sms.outbox).
os.environ.setdefault("SMS_BACKEND", "accounts.sms.LocmemBackend")

from portal.settings import *  # noqa: E402, F403

# Password hashing would dominate the suite's time; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
