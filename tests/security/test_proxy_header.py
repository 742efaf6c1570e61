"""Finding 14: with DEBUG=0, X-Forwarded-Proto makes a request "secure" only when a
proxy of our own is declared (TRUSTED_PROXY_COUNT > 0); otherwise any client could
forge it and skip the HTTPS redirect."""

from tests.security.production import probe

PROBE = r"""
import json
from django.conf import settings
from django.test import Client, override_settings
from django.test.utils import setup_test_environment

setup_test_environment()
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    client = Client(HTTP_HOST="portal.example.com")
    forged = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
out = {
    "header": list(settings.SECURE_PROXY_SSL_HEADER or ()),
    "status": forged.status_code,
    "location": forged.get("Location", ""),
}
print("PROBE" + json.dumps(out))
"""


def test_forwarded_proto_is_ignored_without_a_trusted_proxy():
    out = probe({"TRUSTED_PROXY_COUNT": "0"}, PROBE)

    assert out["header"] == []
    # The forged header does not count: the plain request is still sent to HTTPS.
    assert out["status"] == 301
    assert out["location"] == "https://portal.example.com/accounts/login/"


def test_forwarded_proto_is_trusted_behind_a_declared_proxy():
    out = probe({"TRUSTED_PROXY_COUNT": "1"}, PROBE)

    assert out["header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert out["status"] == 200
