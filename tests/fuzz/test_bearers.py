"""Garbage bearers on every operation in every market: random Base64, the right length
with random bytes, not Base64, empty, huge, mangled schemes, a valid bearer damaged.
Every one is 401 INS-2 "Invalid API Key" in the envelope (getSession: its documented
400 INS-989 "Session Creation Failed"), unlogged, with no effects.
"""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.auth import RSA_CIPHERTEXT_BYTES
from tests.fuzz.harness import cached_bearer
from tests.fuzz.strategies import APIS, fuzz, sample_body

pytestmark = pytest.mark.django_db


def refusal(api) -> tuple[int, dict[str, str]]:
    """The one answer of `api` to every bearer failure (docs/gateway.md)."""
    if api.slug == "getSession":
        return 400, {
            "output_ResponseCode": "INS-989",
            "output_ResponseDesc": "Session Creation Failed",
        }
    return 401, {"output_ResponseCode": "INS-2", "output_ResponseDesc": "Invalid API Key"}


B64 = st.binary(max_size=2 * RSA_CIPHERTEXT_BYTES).map(lambda b: base64.b64encode(b).decode())
RIGHT_LENGTH = st.binary(min_size=RSA_CIPHERTEXT_BYTES, max_size=RSA_CIPHERTEXT_BYTES).map(
    lambda b: base64.b64encode(b).decode()
)
NOT_BASE64 = st.text(min_size=1, max_size=700).filter(lambda t: t.strip())
LATIN1 = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=700)
HUGE = st.integers(1_400, 100_000).map(lambda n: "A" * n)
TOKENS = st.one_of(B64, RIGHT_LENGTH, NOT_BASE64, LATIN1, HUGE, st.just(""))
SCHEMES = st.sampled_from(["Bearer ", "bearer ", "BEARER  ", "Basic ", "Token ", "", "Bearer"])


@st.composite
def garbage_authorization(draw, valid_bearer: str) -> str:
    """A header that must be refused; some are a valid bearer damaged (one Base64
    character changed early in the token, cut short, or with bytes appended)."""
    kind = draw(st.sampled_from(["garbage", "garbage", "flipped", "cut", "appended"]))
    if kind == "garbage":
        return draw(SCHEMES) + draw(TOKENS)
    if kind == "flipped":
        at = draw(st.integers(0, 600))  # far from the padding's ignorable low bits
        old = valid_bearer[at]
        new = draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0189+/"))
        new = "B" if new == old and old != "B" else ("C" if new == old else new)
        return f"Bearer {valid_bearer[:at]}{new}{valid_bearer[at + 1 :]}"
    if kind == "cut":
        return f"Bearer {valid_bearer[: draw(st.integers(0, len(valid_bearer) - 4))]}"
    return f"Bearer {valid_bearer}{draw(st.sampled_from(['A', 'AAAA', '====', '%', 'é']))}"


@fuzz(160)
@given(data=st.data())
def test_garbage_bearers_are_refused_in_the_envelope(gateway, data):
    authorization = data.draw(garbage_authorization(cached_bearer(gateway.api_key_plaintext)))
    api = data.draw(st.sampled_from(APIS))
    method = data.draw(st.sampled_from(api.accepted_methods))
    for market in api.markets:
        raw = json.dumps(sample_body(api, market)).encode()
        answer = gateway.send(method, market, api.path, raw, authorization=authorization)
        assert (answer.status, answer.data) == refusal(api)


def test_a_missing_authorization_header_is_refused(gateway):
    for api in APIS:
        answer = gateway.send(api.method, api.markets[0], api.path, authorization=None)
        assert (answer.status, answer.data) == refusal(api)
