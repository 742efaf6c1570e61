"""Query Transaction Status over real HTTP (reference §5.6, triggers §9)."""

from __future__ import annotations

import pytest

from catalog import get_api
from sandbox.models import ApiCall
from tests.sandbox.conftest import fresh_id

PATH = "queryTransactionStatus/"


def query(gw, reference, *, as_json_body=False, **overrides):
    params = gw.sample("queryTransactionStatus", input_QueryReference=reference, **overrides)
    if as_json_body:  # node-pesa and php-pesa send GET with a JSON body (§5.6)
        return gw.call("GET", PATH, json=params)
    return gw.call("GET", PATH, params=params)


@pytest.mark.parametrize("field", ["output_TransactionID", "output_ConversationID", "tpcid"])
def test_finds_a_payment_by_each_identifier(gw, field):
    body = gw.sample("c2bPayment")
    paid = gw.call("POST", "c2bPayment/singleStage/", json=body).json()
    reference = body["input_ThirdPartyConversationID"] if field == "tpcid" else paid[field]
    response = query(gw, reference)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["output_ResponseCode"] == "INS-0"
    assert data["output_ResponseTransactionStatus"] == "Completed"
    assert data["output_OriginalTransactionID"] == paid["output_TransactionID"]
    assert data["output_Reversed"] == "False"
    assert not any(k.startswith("input_") for k in data)
    assert ApiCall.objects.filter(operation="queryTransactionStatus", is_success=True).count() == 1


def test_reports_a_reversal(gw):
    paid = gw.c2b(input_Amount="20").json()
    reversal = gw.sample("reversal", input_TransactionID=paid["output_TransactionID"])
    reversal["input_ReversalAmount"] = "5"  # partly reversed is reversed
    assert gw.call("PUT", "reversal/", json=reversal).status_code == 201
    data = query(gw, paid["output_TransactionID"]).json()
    assert data["output_Reversed"] == "True"


def test_get_with_a_json_body_is_accepted(gw):
    paid = gw.c2b().json()
    response = query(gw, paid["output_TransactionID"], as_json_body=True)
    assert response.status_code == 200
    assert response.json()["output_OriginalTransactionID"] == paid["output_TransactionID"]


def test_unknown_reference_is_ins_23(gw):
    response = query(gw, "Unknown12345")
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-23"


def test_another_developers_transaction_is_not_found(gw, other_gw):
    paid = other_gw.c2b().json()
    assert query(gw, paid["output_TransactionID"]).json()["output_ResponseCode"] == "INS-23"


@pytest.mark.parametrize(
    ("param", "value", "code"),
    [
        ("input_QueryReference", "bad ref!", "INS-21"),
        ("input_QueryReference", "", "INS-20"),
        ("input_ServiceProviderCode", "x", "INS-13"),
        ("input_ThirdPartyConversationID", "a/b", "INS-28"),
        ("input_Country", "XYZ", "INS-998"),
    ],
)
def test_validation_errors(gw, param, value, code):
    params = gw.sample("queryTransactionStatus")
    params[param] = value
    response = gw.call("GET", PATH, params=params)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == code


@pytest.mark.parametrize(
    "trigger", get_api("queryTransactionStatus").triggers, ids=lambda t: t.value
)
def test_each_test_trigger_produces_its_outcome(gw, trigger):
    response = query(gw, trigger.value)
    api = get_api("queryTransactionStatus")
    assert response.status_code == api.result(trigger.code).http_status
    data = response.json()
    assert data["output_ResponseCode"] == trigger.code
    for name, value in trigger.outputs:
        assert data[name] == value


def test_wrong_method(gw):
    assert gw.call("POST", PATH, json={}).status_code == 405


def test_a_shared_third_party_conversation_id_finds_the_latest_payment(gw):
    tpcid = fresh_id()
    first = gw.c2b(input_ThirdPartyConversationID=tpcid, input_TransactionReference="T1").json()
    latest = gw.c2b(input_ThirdPartyConversationID=tpcid, input_TransactionReference="T2").json()
    reversal = gw.sample(
        "reversal", input_TransactionID=first["output_TransactionID"], input_ReversalAmount="1"
    )
    assert gw.call("PUT", "reversal/", json=reversal).status_code == 201

    data = query(gw, tpcid).json()

    assert data["output_OriginalTransactionID"] == latest["output_TransactionID"]
    assert data["output_Reversed"] == "False"
    assert query(gw, first["output_TransactionID"]).json()["output_Reversed"] == "True"
