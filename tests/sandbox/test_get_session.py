"""getSession and the bearer over real HTTP (reference §3, §5.1; docs/gateway.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts import keys, services
from accounts.models import GatewayKeypair
from sandbox import auth
from sandbox.models import ApiCall, Session
from tests.sandbox.helpers import bearer_for

PATH = "getSession/"


def new_session(gw) -> str:
    response = gw.call("GET", PATH)
    assert response.status_code == 200, response.text
    return response.json()["output_SessionID"]


def test_get_session_returns_a_32_hex_session_id(gw, developer):
    response = gw.call("GET", PATH)
    assert response.status_code == 200
    data = response.json()
    assert data["output_ResponseCode"] == "INS-0"
    session_id = data["output_SessionID"]
    assert len(session_id) == 32 and int(session_id, 16) >= 0
    session = Session.objects.get(digest=keys.crypto.digest(session_id))
    assert session.api_key == developer.api_key
    assert session.expires_at > timezone.now()
    call = ApiCall.objects.get()
    assert call.operation == "getSession" and call.http_status == 200 and call.is_success
    assert session_id not in str(call.request_body)


def test_session_bearer_is_accepted_by_payments(gw, developer):
    session_id = new_session(gw)
    response = gw.call(
        "POST",
        "c2bPayment/singleStage/",
        json=gw.sample("c2bPayment"),
        bearer=bearer_for(session_id),
    )
    assert response.status_code == 201
    assert ApiCall.objects.filter(operation="c2bPayment").get().api_key == developer.api_key


def test_stray_query_parameters_are_ignored(gw):
    response = gw.call("GET", PATH, params={"input_Amount": "10", "whatever": "x"})
    assert response.status_code == 200
    assert "input_Amount" not in response.json()


def test_session_bearer_may_ask_for_a_new_session(gw):
    """pypesa re-encrypts its session id as if it were the API key (§7)."""
    session_id = new_session(gw)
    response = gw.call("GET", PATH, bearer=bearer_for(session_id))
    assert response.status_code == 200
    assert response.json()["output_SessionID"] != session_id


def test_expired_session_is_refused(gw):
    session_id = new_session(gw)
    bearer = bearer_for(session_id)
    body = gw.sample("c2bPayment")
    assert gw.call("POST", "c2bPayment/singleStage/", json=body, bearer=bearer).status_code == 201
    Session.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = gw.call(
        "POST", "c2bPayment/singleStage/", json=gw.sample("c2bPayment"), bearer=bearer
    )
    assert response.status_code == 401
    assert response.json()["output_ResponseCode"] == "INS-2"


@override_settings(SANDBOX_SESSION_ACTIVATION_DELAY_SECONDS=30)
def test_session_is_refused_before_its_activation_delay(gw):
    session_id = new_session(gw)
    response = gw.call(
        "GET",
        "queryTransactionStatus/",
        params=gw.sample("queryTransactionStatus"),
        bearer=bearer_for(session_id),
    )
    assert response.status_code == 401
    Session.objects.update(active_from=timezone.now() - timedelta(seconds=1))
    response = gw.call(
        "GET",
        "queryTransactionStatus/",
        params=gw.sample("queryTransactionStatus"),
        bearer=bearer_for(session_id),
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer not-base64!!", "Bearer QUJD", "Token abc", "Bearer " + "A" * 684],
)
def test_every_bearer_failure_answers_the_same(gw, header):
    response = gw.http.get(gw.url("vodafoneGHA", PATH), headers={"Authorization": header})
    assert response.status_code == 400
    # getSession's documented failure (§5.1), the same whatever the reason.
    assert response.json() == {
        "output_ResponseCode": "INS-989",
        "output_ResponseDesc": "Session Creation Failed",
    }
    assert not ApiCall.objects.exists()


def test_unknown_key_is_refused(gw):
    response = gw.call("GET", PATH, bearer=bearer_for("a" * 32))
    assert response.status_code == 400


def test_retired_key_is_refused_on_the_very_next_call(gw, developer):
    assert gw.call("GET", PATH).status_code == 200  # the bearer is now cached
    session_id = new_session(gw)
    _, new_plaintext = services.renew_api_key(developer)
    assert gw.call("GET", PATH).status_code == 400
    # Sessions of the retired key die with it.
    assert gw.call("GET", PATH, bearer=bearer_for(session_id)).status_code == 400
    assert gw.call("GET", PATH, bearer=bearer_for(new_plaintext)).status_code == 200


def test_deactivated_developer_is_refused(gw, developer):
    assert gw.call("GET", PATH).status_code == 200
    developer.is_active = False
    developer.save(update_fields=["is_active"])
    assert gw.call("GET", PATH).status_code == 400


def test_live_key_is_refused_by_the_sandbox(gw, developer):
    _, live_plaintext = keys.issue_api_key(developer, environment="live")
    assert gw.call("GET", PATH, bearer=bearer_for(live_plaintext)).status_code == 400


def test_reused_bearer_costs_no_rsa_operation_over_http(gw, monkeypatch):
    calls = []
    real = auth.rsa_decrypt
    monkeypatch.setattr(auth, "rsa_decrypt", lambda k, c: calls.append(1) or real(k, c))
    for _ in range(4):
        assert gw.call("GET", PATH).status_code == 200
    assert len(calls) == 1


def test_rotated_keypair_old_bearer_accepted_in_overlap_then_refused(gw, developer, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric import rsa

    old_public = keys.current_keypair().public_key_b64
    old_bearer = bearer_for(developer.api_key_plaintext, public_key_b64=old_public)
    assert gw.call("GET", PATH, bearer=old_bearer).status_code == 200  # cached now
    # A really different key for the new keypair (the test run otherwise reuses one).
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=4096)
    monkeypatch.setattr(keys, "_generate_private_key", lambda: new_key)
    new = keys.rotate_gateway_keypair(overlap=timedelta(hours=1))
    assert new.public_key_b64 != old_public
    fresh_old_bearer = bearer_for(developer.api_key_plaintext, public_key_b64=old_public)
    new_bearer = bearer_for(developer.api_key_plaintext, public_key_b64=new.public_key_b64)
    assert gw.call("GET", PATH, bearer=old_bearer).status_code == 200
    assert gw.call("GET", PATH, bearer=fresh_old_bearer).status_code == 200
    assert gw.call("GET", PATH, bearer=new_bearer).status_code == 200
    GatewayKeypair.objects.exclude(pk=new.pk).update(accepted_until=timezone.now())
    assert gw.call("GET", PATH, bearer=old_bearer).status_code == 400  # even cached
    third_old_bearer = bearer_for(developer.api_key_plaintext, public_key_b64=old_public)
    assert gw.call("GET", PATH, bearer=third_old_bearer).status_code == 400
    assert gw.call("GET", PATH, bearer=new_bearer).status_code == 200
