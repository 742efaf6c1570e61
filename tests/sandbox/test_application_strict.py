"""Strict mode (issue 14; docs/gateway.md, "Applications"): the sandbox refuses what
production refuses, so a client bug shows up here and not at go-live."""

from __future__ import annotations

import json

import pytest

from catalog import common
from sandbox.models import ApiCall, Session, Transaction
from tests.sandbox.helpers import GATEWAY_PREFIX, AppWire

C2B_PATH = f"{GATEWAY_PREFIX}/vodafoneGHA/c2bPayment/singleStage/"


@pytest.fixture
def strict(developer) -> AppWire:
    app = AppWire(developer)
    app.configure(strict_mode=True)
    return app


def test_an_api_key_bearer_on_a_transactional_call_is_refused(strict):
    response = strict.c2b()

    assert response.status_code == 401
    assert response.json()["output_ResponseCode"] == "INS-2"
    assert response.json()["output_ResponseDesc"] == common.STRICT_SESSION_REQUIRED
    assert not Transaction.objects.exists()
    assert ApiCall.objects.get().result_code == "INS-2"  # logged: the key is known


def test_a_query_needs_a_session_too(strict):
    response = strict.call(
        "queryTransactionStatus", strict.sample("queryTransactionStatus", input_QueryReference="x")
    )

    assert response.status_code == 401


def test_get_session_then_a_session_bearer_passes(strict):
    response = strict.c2b(bearer=strict.session_bearer())

    assert response.status_code == 201
    assert response.json()["output_ResponseCode"] == "INS-0"


def test_get_session_with_a_session_bearer_is_ins_989(strict):
    """pypesa's reuse bug (reference §7): its second getSession encrypts the session id."""
    session = strict.session_bearer()

    response = strict.call("getSession", bearer=session)

    assert response.status_code == 400
    assert response.json() == {
        "output_ResponseCode": "INS-989",
        "output_ResponseDesc": "Session Creation Failed",
    }
    assert Session.objects.count() == 1


def test_a_session_is_valid_only_in_its_market(strict):
    ghana = strict.session_bearer(market="vodafoneGHA")

    body = strict.sample("c2bPayment", market="vodacomTZN")
    response = strict.call("c2bPayment", body, bearer=ghana, market="vodacomTZN")

    assert response.status_code == 401
    assert response.json()["output_ResponseDesc"] == common.STRICT_SESSION_MARKET
    tanzania = strict.session_bearer(market="vodacomTZN")
    assert strict.call("c2bPayment", body, bearer=tanzania, market="vodacomTZN").status_code == 201


def test_a_post_without_a_json_content_type_is_refused(strict):
    session = strict.session_bearer()
    body = json.dumps(strict.sample("c2bPayment"))

    response = strict.client.post(
        C2B_PATH, body, content_type="text/plain", HTTP_AUTHORIZATION=f"Bearer {session}"
    )

    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-21"
    assert response.json()["output_ResponseDesc"] == common.STRICT_JSON_REQUIRED
    assert not Transaction.objects.exists()


def test_a_post_without_a_body_is_refused(strict):
    session = strict.session_bearer()
    query = "&".join(f"{k}={v}" for k, v in strict.sample("c2bPayment").items())

    response = strict.client.post(
        f"{C2B_PATH}?{query}",
        "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {session}",
    )

    assert response.status_code == 400
    assert response.json()["output_ResponseDesc"] == common.STRICT_JSON_REQUIRED


def test_parameters_in_the_query_string_do_not_count_in_strict_mode(developer):
    app = AppWire(developer)
    sample = app.sample("c2bPayment")
    amount = {"input_Amount": sample.pop("input_Amount")}
    query = "&".join(f"{k}={v}" for k, v in amount.items())

    def post(bearer: str):
        return app.client.post(
            f"{C2B_PATH}?{query}",
            json.dumps(sample),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {bearer}",
        )

    lenient = post(app.key_bearer)
    app.configure(strict_mode=True)
    strict = post(app.session_bearer())

    assert lenient.status_code == 201  # the query string's amount is read
    assert strict.status_code == 400
    assert strict.json()["output_ResponseCode"] == "INS-20"  # Not All Parameters Provided


def test_strict_mode_is_off_by_default(developer):
    app = AppWire(developer)

    assert app.application.strict_mode is False
    assert app.c2b().status_code == 201
    assert app.call("getSession", bearer=app.session_bearer()).status_code == 200
