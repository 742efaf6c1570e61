"""Fixtures for gateway tests: one `requests` client, in-process or over real HTTP.

`gw` sends its requests through Django's test client in this process (a requests
transport adapter: the tests read real `requests.Response` objects, and the request goes
through the whole middleware stack and URLconf as it would behind gunicorn), inside the
test's transaction: hundreds of validation and behaviour tests cost no server thread and
no database flush. `live_gw` is the same client over real HTTP to the live server, for
the focused set that needs a socket: callbacks delivered by a real worker, fuzzing, the
official library and the Java code (tests/clients).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from catalog import get_api, get_market
from tests.sandbox.helpers import GATEWAY_PREFIX, bearer_for


class Gateway:
    """A client of the live gateway for one developer; reuses one bearer by default."""

    def __init__(self, base_url: str, secret: str, *, http: requests.Session | None = None):
        self.base_url = base_url
        self.http = http or requests.Session()
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


IN_PROCESS_URL = "http://testserver"


class InProcessAdapter(BaseAdapter):
    """A `requests` transport that hands each request to Django's test client."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client()

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        body = request.body or b""
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        answer = self.client.generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=body.encode() if isinstance(body, str) else body,
            # Absent stays absent (the test client's default would be octet-stream).
            content_type=request.headers.get("Content-Type", ""),
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason_phrase
        response.headers = CaseInsensitiveDict(answer.headers.items())
        response._content = answer.content
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


def in_process_session() -> requests.Session:
    session = requests.Session()
    session.mount(IN_PROCESS_URL, InProcessAdapter())
    return session


@pytest.fixture
def gw(db, developer) -> Gateway:
    """The developer's gateway client, in-process (see the module's docstring)."""
    return Gateway(IN_PROCESS_URL, developer.api_key_plaintext, http=in_process_session())


@pytest.fixture
def other_gw(db, other_developer) -> Gateway:
    return Gateway(IN_PROCESS_URL, other_developer.api_key_plaintext, http=in_process_session())


@pytest.fixture
def live_gw(live_server, transactional_db, developer) -> Gateway:
    """The developer's gateway client over real HTTP to the live server."""
    return Gateway(live_server.url, developer.api_key_plaintext)


def fresh_id() -> str:
    return secrets.token_hex(8)
