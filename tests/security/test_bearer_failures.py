"""The gateway's bearer check is no oracle: every kind of failure answers the same status,
body and headers, and takes the same time within noise (DESIGN.md, "Credentials").

The timing test is the one place where a duration is asserted. To stay robust on a
shared 2-core machine it interleaves the kinds (a burst of load slows every kind alike),
takes many samples, compares medians, and allows a generous bound: each kind's median
within 3x of the fastest one's, or within 3 ms of it.

Malformed bearers (no header, another scheme, bad Base64, wrong length) are refused
with no RSA at all: their shape is what the client sent, so their time tells nothing it
does not know. The equal time and equal RSA cost hold among well-formed 512-byte
ciphertexts. Failures beyond the address's budget are refused with no RSA either.
"""

from __future__ import annotations

import base64
import os
import secrets
import statistics
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts import keys, services
from accounts.models import User
from sandbox.models import Session
from sandbox.sessions import issue_session
from tests.factories import DeveloperFactory
from tests.sandbox.helpers import bearer_for

pytestmark = pytest.mark.django_db

C2B = "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/"
GET_SESSION = "/sandbox/ipg/v2/vodafoneGHA/getSession/"
# Each family's one answer to every bearer failure: getSession's documented failure
# (§5.1), the uniform INS-2 for every transactional call (docs/gateway.md).
FAILURE = {C2B: (401, b'"output_ResponseCode":"INS-2"'), GET_SESSION: (400, b'"INS-989"')}
KINDS = (
    "bad base64",
    "wrong length",
    "bad padding",
    "unknown key",
    "retired key",
    "expired session",
    "inactive developer",
)
MALFORMED = ("bad base64", "wrong length")
WELL_FORMED = tuple(kind for kind in KINDS if kind not in MALFORMED)


def _random_ciphertext_bearer() -> str:
    # Below the modulus (leading zero byte) so RSA runs and fails on the padding check.
    return base64.b64encode(b"\x00" + os.urandom(511)).decode()


@pytest.fixture
def failing_bearers(developer):
    """kind -> a function returning a bearer of that kind (fresh=True: a new encryption
    each time, so the gateway's bearer cache never helps)."""
    cache.clear()
    retired_plaintext = developer.api_key_plaintext
    session_id = issue_session(developer.api_key, market="vodafoneGHA")
    Session.objects.filter(digest=keys.crypto.digest(session_id)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    services.renew_api_key(developer)
    inactive = DeveloperFactory(username="gone")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    secrets_of = {
        "unknown key": keys.generate_api_key(),
        "retired key": retired_plaintext,
        "expired session": session_id,
        "inactive developer": inactive.api_key_plaintext,
    }

    def make(kind: str, *, fresh: bool) -> str:
        if kind == "bad base64":
            return "Zm9v!!" + secrets.token_urlsafe(600)[:678]
        if kind == "wrong length":
            return base64.b64encode(os.urandom(256)).decode()
        if kind == "bad padding":
            return _random_ciphertext_bearer()
        return bearer_for(secrets_of[kind])

    cached = {kind: make(kind, fresh=False) for kind in KINDS}
    return lambda kind, fresh=False: make(kind, fresh=True) if fresh else cached[kind]


def _call(client: Client, bearer: str, path: str = C2B):
    if path == GET_SESSION:
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {bearer}")
    return client.post(
        path, b"{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )


def _comparable(response) -> tuple:
    """Status, body and headers, less X-Request-ID: a fresh id per request by design
    (ops), which says nothing about the bearer."""
    headers = sorted((k, v) for k, v in response.headers.items() if k != "X-Request-ID")
    return response.status_code, response.content, headers


@pytest.mark.parametrize("path", [C2B, GET_SESSION], ids=["c2b", "getSession"])
def test_every_failure_answers_the_same(failing_bearers, path):
    client = Client()
    answers = {kind: _comparable(_call(client, failing_bearers(kind), path)) for kind in KINDS}
    # Missing header and another scheme answer the same too.
    answers["no header"] = _comparable(
        client.generic(
            "GET" if path == GET_SESSION else "POST", path, b"{}", content_type="application/json"
        )
    )
    answers["basic scheme"] = _comparable(
        client.generic(
            "GET" if path == GET_SESSION else "POST",
            path,
            b"{}",
            content_type="application/json",
            HTTP_AUTHORIZATION="Basic eA==",
        )
    )

    first = answers["bad base64"]
    status, marker = FAILURE[path]
    assert first[0] == status
    assert marker in first[1]
    for kind, answer in answers.items():
        assert answer == first, f"{kind} answers differently from a bad base64 bearer"


@pytest.mark.parametrize("path", [C2B, GET_SESSION], ids=["c2b", "getSession"])
def test_a_repeated_failing_bearer_answers_the_same_each_time(failing_bearers, path):
    client = Client()
    for kind in KINDS:
        bearer = failing_bearers(kind)
        first, second = _call(client, bearer, path), _call(client, bearer, path)
        assert _comparable(first) == _comparable(second), kind


def _medians(client: Client, bearer_of, *, rounds: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {kind: [] for kind in WELL_FORMED}
    for round_number in range(rounds):
        # Interleaved, in a different order each round: load bursts hit every kind.
        shift = round_number % len(WELL_FORMED)
        order = WELL_FORMED[shift:] + WELL_FORMED[:shift]
        for kind in order:
            bearer = bearer_of(kind)
            started = time.perf_counter()
            response = _call(client, bearer)
            samples[kind].append(time.perf_counter() - started)
            assert response.status_code == 401
    return {kind: statistics.median(values) * 1000 for kind, values in samples.items()}


@pytest.fixture
def no_budget(settings):
    """Failure budgets out of the way (the tests below fail hundreds of times from one
    address); test_the_failure_budget_* test the budget itself."""
    settings.SANDBOX_AUTH_FAILURES_PER_MINUTE = 10**9


@pytest.mark.parametrize("fresh", [False, True], ids=["reused bearers", "fresh bearers"])
def test_every_well_formed_failure_takes_the_same_time_within_noise(
    failing_bearers, fresh, no_budget
):
    client = Client()
    _medians(client, lambda kind: failing_bearers(kind, fresh=fresh), rounds=5)  # warm up
    medians = _medians(client, lambda kind: failing_bearers(kind, fresh=fresh), rounds=60)

    fastest = min(medians.values())
    report = ", ".join(f"{kind}: {ms:.2f} ms" for kind, ms in medians.items())
    print(f"bearer failure medians ({'fresh' if fresh else 'reused'}): {report}")
    for kind, median in medians.items():
        assert median <= 3 * fastest or median - fastest <= 3.0, (
            f"{kind} is distinguishable by time: {report}"
        )


def _count_rsa(monkeypatch) -> list[int]:
    """Every RSA private-key operation of the gateway: its decryptions through the
    `sandbox.auth.rsa_decrypt` seam, and the equal-cost ones of `_spend_decryptions`."""
    from sandbox import auth

    calls: list[int] = []
    real_decrypt, real_spend = auth.rsa_decrypt, auth._spend_decryptions
    monkeypatch.setattr(auth, "rsa_decrypt", lambda key, c: calls.append(1) or real_decrypt(key, c))

    def spend(environment):
        calls.extend([1] * len(keys.accepted_keypairs(environment)))
        real_spend(environment)

    monkeypatch.setattr(auth, "_spend_decryptions", spend)
    return calls


@pytest.mark.parametrize("keypairs", [1, 2], ids=["one keypair", "rotation overlap"])
def test_every_well_formed_failure_costs_one_decryption_per_accepted_keypair(
    failing_bearers, monkeypatch, keypairs, no_budget
):
    """The deterministic side of the timing test: the same RSA work for every well-formed
    ciphertext, reused ones (cache hits) included."""
    if keypairs == 2:
        keys.rotate_gateway_keypair(overlap=timedelta(hours=1))
    rsa = _count_rsa(monkeypatch)
    client = Client()
    costs = {}
    for kind in WELL_FORMED:
        bearer = failing_bearers(kind)
        for attempt in ("first", "repeat"):
            rsa.clear()
            assert _call(client, bearer).status_code == 401
            costs[f"{kind} ({attempt})"] = len(rsa)

    assert costs == dict.fromkeys(costs, keypairs)


def _malformed_headers(failing_bearers) -> dict[str, str | None]:
    return {
        "no header": None,
        "basic scheme": "Basic eA==",
        "bearer, empty": "Bearer ",
        "bad base64": f"Bearer {failing_bearers('bad base64')}",
        "wrong length": f"Bearer {failing_bearers('wrong length')}",
        "one byte short": "Bearer " + base64.b64encode(os.urandom(511)).decode(),
        "one byte long": "Bearer " + base64.b64encode(os.urandom(513)).decode(),
        "huge": "Bearer " + "A" * 100_000,
    }


@pytest.mark.parametrize("keypairs", [1, 2], ids=["one keypair", "rotation overlap"])
def test_a_malformed_bearer_costs_no_rsa(failing_bearers, monkeypatch, keypairs, no_budget):
    if keypairs == 2:
        keys.rotate_gateway_keypair(overlap=timedelta(hours=1))
    rsa = _count_rsa(monkeypatch)
    client = Client()
    for kind, header in _malformed_headers(failing_bearers).items():
        extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
        response = client.post(C2B, b"{}", content_type="application/json", **extra)
        assert (response.status_code, FAILURE[C2B][1] in response.content) == (401, True), kind
        assert rsa == [], f"{kind} cost RSA"


def test_malformed_bearers_do_not_use_up_the_failure_budget(failing_bearers, settings):
    settings.SANDBOX_AUTH_FAILURES_PER_MINUTE = 2
    client = Client()
    for _ in range(10):
        assert _call(client, failing_bearers("bad base64")).status_code == 401
    with pytest.MonkeyPatch.context() as patch:
        rsa = _count_rsa(patch)
        assert _call(client, failing_bearers("unknown key")).status_code == 401
        assert len(rsa) == 1  # still within the budget: the full equal-cost refusal


def test_the_failure_budget_refuses_the_same_way_without_rsa(
    failing_bearers, monkeypatch, settings
):
    """Past SANDBOX_AUTH_FAILURES_PER_MINUTE well-formed failures from one address, the
    same 401 comes back with no RSA; another address still gets the full treatment, and
    a bearer already in the cache still works from the exhausted address."""
    settings.SANDBOX_AUTH_FAILURES_PER_MINUTE = 3
    good = bearer_for(DeveloperFactory(username="good").api_key_plaintext)
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert _call(client, good).status_code != 401  # valid, now in the bearer cache
    rsa = _count_rsa(monkeypatch)
    within = [_comparable(_call(client, failing_bearers("unknown key", fresh=True))) for _ in "abc"]
    assert len(rsa) == 3
    rsa.clear()
    past = [_comparable(_call(client, failing_bearers(kind, fresh=True))) for kind in WELL_FORMED]
    assert rsa == []
    assert all(answer == within[0] for answer in within + past)
    assert _call(client, good).status_code != 401  # cached: no RSA needed, still served
    assert rsa == []
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert _call(other, failing_bearers("unknown key", fresh=True)).status_code == 401
    assert len(rsa) == 1


def test_the_failure_budget_counts_the_address_behind_a_trusted_proxy(
    failing_bearers, monkeypatch, settings
):
    settings.SANDBOX_AUTH_FAILURES_PER_MINUTE = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    rsa = _count_rsa(monkeypatch)
    for client_ip in ("203.0.113.7", "203.0.113.8"):
        header = {"HTTP_X_FORWARDED_FOR": client_ip}
        for _ in range(2):
            proxy.post(
                C2B,
                b"{}",
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {failing_bearers('unknown key', fresh=True)}",
                **header,
            )
    assert len(rsa) == 2  # one per client address; each one's second is past its budget


def _operations():
    from catalog import all_apis

    for api in all_apis():
        for market in api.markets:
            for method in api.accepted_methods:
                yield pytest.param(api, market, method, id=f"{method} {market}/{api.path}")


@pytest.mark.parametrize(("api", "market", "method"), list(_operations()))
def test_every_operation_in_every_market_refuses_a_call_without_bearer(api, market, method):
    """The same 401 INS-2 envelope everywhere (400 INS-989 for getSession, its documented
    failure), and nothing written."""
    from sandbox.models import ApiCall, Transaction

    cache.clear()
    path = f"/sandbox/ipg/v2/{market}/{api.path}"
    response = getattr(Client(), method.lower())(path, content_type="application/json")

    expected = (400, "INS-989") if api.slug == "getSession" else (401, "INS-2")
    assert (response.status_code, response.json()["output_ResponseCode"]) == expected
    assert not ApiCall.objects.exists()
    assert not Transaction.objects.exists()
