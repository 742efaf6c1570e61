"""Run the portal's settings in a fresh process with DEBUG=0 (settings are import-time).

`PRODUCTION_ENV` is a complete, valid production environment; each test changes or
removes one variable and checks that the portal refuses to start, or how it behaves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    # The portal's own settings, not the suite's (tests/settings.py fills in test values).
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "z9Y8x7W6v5U4t3S2" * 4,
    "FIELD_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "ALLOWED_HOSTS": "portal.example.com",
    "SINGLE_PROCESS": "1",  # no Redis in these tests: one process is the honest claim
    # Real delivery (nothing is sent: these processes only start and answer GETs).
    "EMAIL_URL": "smtp+tls://portal:secret@mail.example.com:587",
    "SMS_BACKEND": "accounts.sms.FileBackend",
}
# Whatever the test process has for these must not leak into the production process.
_CLEARED = {
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "ALLOWED_HOSTS",
    "REDIS_URL",
    "SINGLE_PROCESS",
    "EMAIL_URL",
    "EMAIL_BACKEND",
    "SMS_BACKEND",
    "ALLOW_CONSOLE_DELIVERY",
    "TRUSTED_PROXY_COUNT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser fixture for this process only
    # pytest-django exports tests.settings, which fills in test defaults (the locmem SMS
    # backend): a production process reads portal.settings alone.
    "DJANGO_SETTINGS_MODULE",
}


def run_manage(overrides: dict[str, str | None], *args: str) -> subprocess.CompletedProcess:
    """`manage.py *args` with PRODUCTION_ENV updated by `overrides` (None removes)."""
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED} | PRODUCTION_ENV
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(overrides: dict[str, str | None], code: str) -> dict:
    """Run `code` in `manage.py shell`; it prints one line "PROBE" + JSON, returned here."""
    result = run_manage(overrides, "shell", "-c", code)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))
