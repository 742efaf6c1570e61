"""The partner API is rate limited per API key (issue 18, finding 10): past the limit it
answers 429 in its JSON error shape with Retry-After; another key is not affected."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from reports.api.throttling import PartnerKeyThrottle
from tests.reports.conftest import bearer_for

pytestmark = pytest.mark.django_db

URL = "/reports/api/v1/keys/"


@pytest.fixture(autouse=True)
def _three_a_minute(monkeypatch):
    cache.clear()
    monkeypatch.setattr(PartnerKeyThrottle, "THROTTLE_RATES", {"partner": "3/min"})
    yield
    cache.clear()


def _partner(user) -> Client:
    return Client(HTTP_AUTHORIZATION=bearer_for(user.api_key_plaintext))


def test_the_fourth_request_in_a_minute_is_429_in_the_error_shape(developer, other_developer):
    partner = _partner(developer)
    assert [partner.get(URL).status_code for _ in range(3)] == [200, 200, 200]

    refused = partner.get(URL)

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert int(refused["Retry-After"]) > 0
    error = refused.json()["error"]
    assert error["status"] == 429
    assert error["code"] == "throttled"
    assert "throttled" in error["message"].lower()
    # The limit is per key: another partner from the same address still gets answers.
    assert _partner(other_developer).get(URL).status_code == 200


def test_the_limit_is_per_key_not_per_address(developer):
    for n in range(3):
        Client(
            REMOTE_ADDR=f"198.51.100.{n}",
            HTTP_AUTHORIZATION=bearer_for(developer.api_key_plaintext),
        ).get(URL)
    fresh_address = Client(
        REMOTE_ADDR="198.51.100.99", HTTP_AUTHORIZATION=bearer_for(developer.api_key_plaintext)
    )
    assert fresh_address.get(URL).status_code == 429
