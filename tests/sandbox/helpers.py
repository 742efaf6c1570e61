"""Helpers for gateway tests: bearers built the way client libraries build them."""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import Client

from accounts import keys
from catalog import get_api, get_market

GATEWAY_PREFIX = "/sandbox/ipg/v2"


def bearer_for(secret: str, *, public_key_b64: str | None = None) -> str:
    """Base64(RSA-PKCS#1-v1.5(secret)) with the gateway's current public key (§3.2)."""
    public_key_b64 = public_key_b64 or keys.current_keypair().public_key_b64
    public_key = serialization.load_der_public_key(base64.b64decode(public_key_b64))
    ciphertext = public_key.encrypt(secret.encode("ascii"), padding.PKCS1v15())
    return base64.b64encode(ciphertext).decode()


def auth_header(secret: str, **kwargs) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer_for(secret, **kwargs)}"}


class Wire:
    """In-process calls to the gateway with the developer's API-key bearer."""

    def __init__(self, developer, market: str):
        self.client = Client()
        self.market = get_market(market)
        self.bearer = bearer_for(developer.api_key_plaintext)

    def sample(self, slug: str, **overrides) -> dict:
        body = get_api(slug).sample_request(self.market)
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not None}

    def call(self, slug: str, body: dict | None = None, *, bearer: str | None = None):
        api = get_api(slug)
        path = f"{GATEWAY_PREFIX}/{self.market.slug}/{api.path}"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer or self.bearer}"}
        if api.method == "GET":
            return self.client.get(path, body or {}, **headers)
        return self.client.generic(
            api.method, path, json.dumps(body or {}), "application/json", **headers
        )


class AppWire:
    """In-process calls for one developer's application (issue 14): its settings are
    changed with `configure`, calls carry the API-key bearer or a session bearer."""

    def __init__(self, developer, market: str = "vodafoneGHA"):
        self.client = Client()
        self.market = get_market(market)
        self.application = developer.api_key.application
        self.key_bearer = bearer_for(developer.api_key_plaintext)

    def configure(self, **fields) -> None:
        type(self.application).objects.filter(pk=self.application.pk).update(**fields)

    def session_bearer(self, market: str | None = None) -> str:
        response = self.call("getSession", market=market)
        assert response.status_code == 200, response.json()
        return bearer_for(response.json()["output_SessionID"])

    def sample(self, slug: str, market: str | None = None, **overrides) -> dict:
        body = get_api(slug).sample_request(get_market(market) if market else self.market)
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not None}

    def call(
        self,
        slug: str,
        body: dict | None = None,
        *,
        bearer: str | None = None,
        market: str | None = None,
        **extra,
    ):
        api = get_api(slug)
        path = f"{GATEWAY_PREFIX}/{market or self.market.slug}/{api.path}"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer or self.key_bearer}", **extra}
        if api.method == "GET":
            return self.client.get(path, body or {}, **headers)
        return self.client.generic(
            api.method, path, json.dumps(body or {}), "application/json", **headers
        )

    def c2b(
        self,
        amount: str = "10",
        *,
        bearer: str | None = None,
        headers: dict | None = None,
        **overrides,
    ):
        """A C2B payment; `overrides` are body parameters, `headers` WSGI environ keys."""
        body = self.sample("c2bPayment", input_Amount=amount, **overrides)
        return self.call("c2bPayment", body, bearer=bearer, **(headers or {}))
