"""Security headers on every page, and the production settings (HSTS, secure cookies,
HTTPS redirect) read from a process started with DEBUG=0, since settings are import-time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

from tests.security.test_access_matrix import TABLE, Row
from tests.security.world import client_for

pytestmark = pytest.mark.django_db


# <script> without src= is inline, unless it is data (json_script writes application/json).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (part.split() for part in csp.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _role_for(row: Row) -> str | None:
    """A caller who gets the page itself (200)."""
    return next((r for r in ("owner", "staff", "anonymous") if row.expect.get(r) == 200), None)


# Every route some caller gets with a GET and a 200 (the rest only redirect or refuse).
HTML_ROWS = sorted(r for r, row in TABLE.items() if row.method == "get" and _role_for(row))


@pytest.mark.parametrize("route", HTML_ROWS)
def test_page_headers(route, world):
    row = TABLE[route]
    role = _role_for(row)
    response = client_for(role, world).get(row.path(world), row.data(world) if row.data else {})
    assert response.status_code == 200

    csp = _directives(response["Content-Security-Policy"])
    script_src = csp.get("script-src", csp.get("default-src"))
    if script_src is None:  # the gateway's JSON: `sandbox` alone, scripts never run
        assert csp == {"sandbox": []}
        script_src = []
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if response["Content-Type"].startswith("text/html"):
        assert response["X-Frame-Options"] == "DENY"
        assert csp.get("frame-ancestors") == ["'none'"]
        body = response.content.decode()
        assert not INLINE_SCRIPT.search(body), INLINE_SCRIPT.search(body).group(0)
        assert not INLINE_HANDLER.search(body), INLINE_HANDLER.search(body).group(0)


def test_gateway_answers_carry_nosniff_and_a_sandbox_policy(client):
    response = client.post("/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/", {})

    assert response.status_code == 401
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_session_and_csrf_cookies_are_http_only_where_it_matters(client, developer):
    from tests.factories import TEST_PASSWORD

    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"login": "dev", "password": TEST_PASSWORD})

    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


# --- Production --------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "p9Q8r7S6t5U4v3W2" * 4,
    "FIELD_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "ALLOWED_HOSTS": "portal.example.com",
    # Behind one TLS-terminating proxy, as docs/operations.md deploys it.
    "TRUSTED_PROXY_COUNT": "1",
    "SINGLE_PROCESS": "1",
    "EMAIL_URL": "smtp+tls://portal:secret@mail.example.com:587",
    "SMS_BACKEND": "accounts.sms.FileBackend",
}

# Runs in a fresh process with DEBUG=0: prints the settings and what real responses carry.
PROBE = r"""
import json
from django.conf import settings
from django.test import Client, override_settings
from django.test.utils import setup_test_environment

setup_test_environment()
out = {name: getattr(settings, name) for name in (
    "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY", "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "CALLBACK_ALLOW_PRIVATE_NETWORKS",
)}
out["SECURE_PROXY_SSL_HEADER"] = list(settings.SECURE_PROXY_SSL_HEADER or ())
# The manifest of collected static files is a deployment artefact; pages need a storage.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages, ALLOWED_HOSTS=["portal.example.com"]):
    client = Client(HTTP_HOST="portal.example.com")
    plain = client.get("/accounts/login/")
    out["plain_status"] = plain.status_code
    out["plain_location"] = plain.get("Location", "")
    secure = client.get("/accounts/login/", secure=True)
    out["secure_status"] = secure.status_code
    out["hsts"] = secure.get("Strict-Transport-Security", "")
    csrf = secure.cookies.get("csrftoken")
    out["csrf_cookie_secure"] = bool(csrf and csrf["secure"])
    # Behind the proxy: X-Forwarded-Proto says the client used HTTPS.
    proxied = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    out["proxied_status"] = proxied.status_code
print("PROBE" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def production():
    unset = {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "ALLOWED_HOSTS", "TRUSTED_PROXY_COUNT"}
    unset |= {"REDIS_URL", "SINGLE_PROCESS", "EMAIL_BACKEND", "ALLOW_CONSOLE_DELIVERY"}
    unset.add("DJANGO_ALLOW_ASYNC_UNSAFE")  # set by the browser fixture in this process
    env = {k: v for k, v in os.environ.items() if k not in unset} | PRODUCTION_ENV
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))


def test_production_sends_hsts_for_a_year_with_subdomains(production):
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_production_cookies_are_secure(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["csrf_cookie_secure"] is True


def test_production_redirects_plain_http_to_https(production):
    assert production["plain_status"] == 301
    assert production["plain_location"] == "https://portal.example.com/accounts/login/"
    assert production["secure_status"] == 200
    # TLS ends at the proxy, which says so in X-Forwarded-Proto.
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["proxied_status"] == 200


def test_production_keeps_the_other_protections(production):
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "https"
    # Callbacks may not aim at private networks unless an operator says so.
    assert production["CALLBACK_ALLOW_PRIVATE_NETWORKS"] is False


# The same file for everyone, holding nothing of the developer's: the scripts'
# translations (portal/jsi18n.py), cached for a year (tests/i18n/test_script_catalogue.py).
SHARED_FILES = {"i18n/js/<str:language>/<slug:version>.js"}
OWNER_PAGES = sorted(
    r
    for r, row in TABLE.items()
    if row.method == "get" and row.expect.get("owner") == 200 and r not in SHARED_FILES
)


def test_no_cache_keeps_a_signed_in_developers_pages(world):
    """Their pages carry the API key (documentation samples) and the signing secret."""
    client = client_for("owner", world)
    for route in OWNER_PAGES:
        row = TABLE[route]
        response = client.get(row.path(world), row.data(world) if row.data else {})
        assert "no-store" in response.get("Cache-Control", ""), route


def test_public_pages_stay_cacheable_for_anonymous_visitors(client):
    assert "no-store" not in client.get("/docs/").get("Cache-Control", "")


def test_a_foreign_host_cannot_steer_password_reset_links(client, developer):
    """Links in mail are built from the request's host: pages refuse unknown hosts."""
    from django.core import mail

    response = client.post(
        "/accounts/password/reset/", {"email": developer.email}, HTTP_HOST="evil.example"
    )

    assert response.status_code == 400
    assert mail.outbox == []
