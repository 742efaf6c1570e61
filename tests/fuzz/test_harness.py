"""The harness's checks fail when the gateway misbehaves (broken on purpose here)."""

from __future__ import annotations

import json

import pytest

from catalog import MARKETS, get_api
from sandbox import views
from sandbox.models import Transaction

pytestmark = pytest.mark.django_db

C2B = get_api("c2bPayment")


def _send(gateway, **changes):
    body = {**C2B.sample_request(MARKETS["vodafoneGHA"]), **changes}
    return gateway.send("POST", "vodafoneGHA", C2B.path, json.dumps(body).encode())


def test_a_crash_answered_in_the_envelope_still_fails(gateway, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "_prepare", crash)
    with pytest.raises(AssertionError, match="crash handler ran"):
        _send(gateway)


def test_a_quote_in_a_header_fails(gateway, monkeypatch):
    real = views.json_response

    def quoted(body, status):
        response = real(body, status)
        response["Content-Security-Policy"] = "default-src 'self'"
        return response

    monkeypatch.setattr(views, "json_response", quoted)
    with pytest.raises(AssertionError, match="quote in header"):
        _send(gateway)


def test_a_refused_call_that_leaves_a_transaction_fails(gateway, monkeypatch):
    real = views.services.complete_call

    def leaky(call, *, refused=None):
        body, status = real(call, refused=refused)
        if refused is not None:
            Transaction.objects.create(
                api_key=call.api_key,
                user=call.user,
                operation="c2bPayment",
                market="vodafoneGHA",
                amount=1,
                currency="GHS",
                dedupe_key="leak",
            )
        return body, status

    monkeypatch.setattr(views.services, "complete_call", leaky)
    _send(gateway)  # accepted: its transaction is expected
    with pytest.raises(AssertionError, match="refused request .* created rows"):
        _send(gateway, input_Amount="abc")


def test_a_call_missing_from_the_log_fails(gateway, monkeypatch):
    monkeypatch.setattr(views.services, "log_call", lambda call, **kwargs: None)
    with pytest.raises(AssertionError):
        _send(gateway, input_Amount="abc")
