"""Settings refuse insecure production defaults and `check --deploy` is clean."""

import os
import subprocess
import sys

from django.conf import settings


def _run(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser fixture for this process only.
    unset = {
        "DEBUG",
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_with_default_secret_refuses_to_start():
    result = _run({"DEBUG": "0"}, "check")

    assert result.returncode != 0
    assert "SECRET_KEY is the insecure default" in result.stderr


def test_debug_off_without_encryption_keys_refuses_to_start():
    result = _run({"DEBUG": "0", "SECRET_KEY": "x" * 64}, "check")

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _run(
        {
            "DEBUG": "0",
            "SECRET_KEY": "k3y-" + "a1B2c3D4e5F6g7H8" * 4,
            "FIELD_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            "ALLOWED_HOSTS": "portal.example.com",
            "SINGLE_PROCESS": "1",
            "EMAIL_URL": "smtp+tls://portal:secret@mail.example.com:587",
            "SMS_BACKEND": "accounts.sms.FileBackend",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
