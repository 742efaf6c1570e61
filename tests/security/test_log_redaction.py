"""Secrets never reach the log (issue 18, finding 2): one redaction filter sits on every
handler of the configured LOGGING, and records carrying each kind of secret come out
redacted. gunicorn writes no access log of its own (the Dockerfile)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from django.conf import settings

from portal.logredact import RedactSecretsFilter

RESET_KEY = "3f-cm9x2k-0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"
ACTIVATION_KEY = "MQ:1v8Zk2:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abc"
API_KEY = "k3y0f32charactersabcdefghij12345"
BEARER = "QmFzZTY0T2ZSU0FFbmNyeXB0ZWRLZXk+/="
MSISDN = "254712345678"
E164 = "+254712345678"

RECORDS = [
    # (logger, message, secrets that must not appear)
    (
        "django.security.csrf",
        f"Forbidden (CSRF token missing.): /accounts/password/reset/key/{RESET_KEY}/",
        [RESET_KEY],
    ),
    ("portal.requests", f"GET /accounts/confirm-email/{ACTIVATION_KEY}/ 200", [ACTIVATION_KEY]),
    (
        "sandbox",
        f"GET /sandbox/ipg/v2/vodafoneGHA/queryTransactionStatus/?input_CustomerMSISDN={MSISDN}"
        "&input_Country=GHA 200",
        [MSISDN],
    ),
    ("accounts.sms", f"SMS to {E164} failed", [E164, E164[1:]]),
    ("portal", f"headers: {{'Authorization': 'Bearer {BEARER}'}}", [BEARER]),
    ("portal", f"Authorization: Bearer {BEARER}", [BEARER]),
    ("reports", f"key {API_KEY} refused", [API_KEY]),
    ("accounts", "apiKey=at_live_0123456789 sent", ["at_live_0123456789"]),
]


def _handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in logging.Logger.manager.loggerDict
    ]
    return list({id(h): h for lg in loggers for h in lg.handlers}.values())


def test_every_configured_handler_has_the_redaction_filter():
    configured = settings.LOGGING["handlers"]
    assert configured
    for name, handler in configured.items():
        assert "redact_secrets" in handler["filters"], name
    # The handlers dictConfig built from it (logging keeps them by name).
    live = [logging._handlers[name] for name in configured]  # type: ignore[attr-defined]
    for handler in live:
        assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters), handler


@pytest.mark.parametrize(("logger", "message", "secrets"), RECORDS)
def test_each_secret_is_redacted_through_the_configured_handlers(logger, message, secrets):
    out = io.StringIO()
    stream_handlers = [
        h
        for h in _handlers()
        if isinstance(h, logging.StreamHandler) and h.get_name() in settings.LOGGING["handlers"]
    ]
    previous = [h.setStream(out) for h in stream_handlers]
    try:
        logging.getLogger(logger).warning(message)
    finally:
        for handler, stream in zip(stream_handlers, previous, strict=True):
            handler.setStream(stream)
    written = out.getvalue()
    assert written, "nothing was logged"
    for secret in secrets:
        assert secret not in written
    assert "[redacted]" in written or "[phone]" in written


def test_a_traceback_is_redacted_too():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactSecretsFilter())
    log = logging.getLogger("tests.redaction")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"bad bearer Bearer {BEARER} for {E164}")
        except RuntimeError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    assert "Traceback" in out.getvalue()
    assert BEARER not in out.getvalue()
    assert E164 not in out.getvalue()


def test_ordinary_lines_are_left_alone():
    record = logging.LogRecord(
        "x", logging.INFO, "", 0, "GET %s %s %.1fms", ("/docs/", 200, 3.2), None
    )
    RedactSecretsFilter().filter(record)
    assert record.getMessage() == "GET /docs/ 200 3.2ms"


def test_gunicorn_writes_no_access_log():
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text()
    assert "--access-logfile" not in dockerfile
    # The Dockerfile runs gunicorn with gunicorn.conf.py, which turns its access log off.
    config = (Path(settings.BASE_DIR) / "gunicorn.conf.py").read_text()
    assert "accesslog = None" in config
