"""Passwordless passkey sign-in over HTTP (the ceremonies themselves run in Chromium:
tests/e2e/test_passkeys.py): the challenge is bound to the host the browser asked for,
a forged answer signs nobody in, and allauth limits the attempts per address."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/2fa/webauthn/login/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _challenge(client: Client, host: str = "localhost") -> dict:
    response = client.get(LOGIN, HTTP_ACCEPT="application/json", HTTP_HOST=host)
    assert response.status_code == 200
    return json.loads(response.content)["request_options"]["publicKey"]


def test_the_passkey_challenge_names_the_host_asked_for_and_requires_user_verification():
    options = _challenge(Client(), host="localhost")

    assert options["rpId"] == "localhost"
    # Passwordless: the device must check its owner (PIN, fingerprint or face).
    assert options["userVerification"] == "required"
    # Any of the portal's discoverable passkeys may answer: no account is named.
    assert options.get("allowCredentials", []) == []
    assert len(options["challenge"]) >= 22  # 16 random bytes or more, base64url


def test_each_challenge_is_new():
    client = Client()

    assert _challenge(client)["challenge"] != _challenge(client)["challenge"]


FORGED = {
    "id": "AAAA",
    "rawId": "AAAA",
    "type": "public-key",
    "response": {
        "clientDataJSON": "e30",
        "authenticatorData": "AAAA",
        "signature": "AAAA",
        "userHandle": "MQ",
    },
}


def test_a_forged_passkey_answer_signs_nobody_in(developer):
    client = Client()
    _challenge(client)

    response = client.post(LOGIN, {"credential": json.dumps(FORGED)}, HTTP_HOST="localhost")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_passkey_sign_in_answers_429_past_10_attempts_a_minute_from_one_address():
    client = Client(REMOTE_ADDR="203.0.113.77")
    statuses = [
        client.post(LOGIN, {"credential": json.dumps(FORGED)}, HTTP_HOST="localhost").status_code
        for _ in range(11)
    ]

    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.78")
    assert other.post(LOGIN, {"credential": json.dumps(FORGED)}).status_code == 302
