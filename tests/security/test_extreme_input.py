"""Finding 4: extreme input is a client error, never a 500 with a traceback.

(a) A gateway body nested 100,000 deep made json.loads raise RecursionError: 500 INS-1
and a full traceback logged per request. It is malformed JSON: 400 INS-21, and the
request is logged in one line.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client

from tests.sandbox.helpers import bearer_for

pytestmark = pytest.mark.django_db

C2B = "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/"


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 50_000])
def test_deeply_nested_gateway_body_is_malformed_json(developer, caplog, body):
    cache.clear()
    client = Client()
    bearer = bearer_for(developer.api_key_plaintext)
    caplog.set_level(logging.INFO)

    response = client.post(
        C2B, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )

    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-21"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert len([r for r in caplog.records if C2B in r.getMessage()]) <= 1
