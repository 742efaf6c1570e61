"""Project-wide middleware (portal/middleware.py): security headers, the request log."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_security_headers(client):
    response = client.get(reverse("dashboard:home"))

    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_request_log_line_has_method_path_status_duration(client, caplog):
    caplog.set_level("INFO", logger="portal.requests")
    client.get(reverse("dashboard:home") + "?secret=1")

    lines = [r.getMessage() for r in caplog.records if r.name == "portal.requests"]
    assert len(lines) == 1
    method, path, status, duration = lines[0].split()
    assert (method, path, status) == ("GET", "/", "200")
    assert duration.endswith("ms") and float(duration[:-2]) >= 0


def test_request_log_hides_activation_and_reset_tokens(client, caplog):
    caplog.set_level("INFO", logger="portal.requests")
    client.get("/accounts/confirm-email/SECRETKEY123/")
    client.get("/accounts/password/reset/key/1-SECRETTOKEN456/")

    lines = " ".join(r.getMessage() for r in caplog.records if r.name == "portal.requests")
    assert "SECRETKEY123" not in lines
    assert "SECRETTOKEN456" not in lines
    assert "confirm-email/" in lines and "<key>" in lines
