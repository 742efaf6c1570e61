"""Fixtures for gateway tests over real HTTP (live_server + requests)."""

from __future__ import annotations

import secrets

import pytest
import requests
from django.core.cache import cache

from catalog import get_api, get_market
from tests.sandbox.helpers import GATEWAY_PREFIX, bearer_for


class Gateway:
    """A client of the live gateway for one developer; reuses one bearer by default."""

    def __init__(self, base_url: str, secret: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.secret = secret
        self.bearer = bearer_for(secret)

    def url(self, market: str, path: str) -> str:
        return f"{self.base_url}{GATEWAY_PREFIX}/{market}/{path}"

    def call(
        self,
        method: str,
        path: str,
        *,
        market: str = "vodafoneGHA",
        params: dict | None = None,
        json: dict | None = None,
        bearer: str | None = None,
        headers: dict | None = None,
        data: str | None = None,
    ) -> requests.Response:
        all_headers = {
            "Authorization": f"Bearer {bearer or self.bearer}",
            "Content-Type": "application/json",
            "Origin": "*",
            **(headers or {}),
        }
        return self.http.request(
            method,
            self.url(market, path),
            params=params,
            json=json,
            data=data,
            headers=all_headers,
            timeout=30,
        )

    def sample(self, slug: str, market: str = "vodafoneGHA", **overrides) -> dict:
        body = get_api(slug).sample_request(get_market(market))
        body.update(overrides)
        return body

    def c2b(self, **overrides) -> requests.Response:
        return self.call(
            "POST", "c2bPayment/singleStage/", json=self.sample("c2bPayment", **overrides)
        )


@pytest.fixture(autouse=True)
def _clear_cache():
    """The bearer cache and rate-limit counters are per test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gw(live_server, transactional_db, developer) -> Gateway:
    return Gateway(live_server.url, developer.api_key_plaintext)


@pytest.fixture
def other_gw(live_server, transactional_db, other_developer) -> Gateway:
    return Gateway(live_server.url, other_developer.api_key_plaintext)


def fresh_id() -> str:
    return secrets.token_hex(8)
