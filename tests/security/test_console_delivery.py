"""Finding 8: with DEBUG=0 the portal refuses console email or SMS (activation and reset
links, phone codes printed to the log) unless ALLOW_CONSOLE_DELIVERY=1 says so."""

import pytest

from tests.security.production import run_manage


def test_console_email_refuses_to_start():
    result = run_manage({"EMAIL_URL": "consolemail://"}, "check")

    assert result.returncode != 0
    assert "EMAIL_BACKEND is the console backend" in result.stderr


def test_default_email_backend_is_console_and_refused():
    result = run_manage({"EMAIL_URL": None}, "check")

    assert result.returncode != 0
    assert "EMAIL_BACKEND is the console backend" in result.stderr


@pytest.mark.parametrize("sms", [None, "accounts.sms.ConsoleBackend"])
def test_console_sms_refuses_to_start(sms):
    result = run_manage({"SMS_BACKEND": sms}, "check")

    assert result.returncode != 0
    assert "SMS_BACKEND is the console backend" in result.stderr


def test_console_delivery_starts_when_explicitly_allowed():
    result = run_manage(
        {"EMAIL_URL": None, "SMS_BACKEND": None, "ALLOW_CONSOLE_DELIVERY": "1"}, "check"
    )

    assert result.returncode == 0, result.stderr[-2000:]


def test_real_delivery_starts():
    result = run_manage({}, "check")

    assert result.returncode == 0, result.stderr[-2000:]
