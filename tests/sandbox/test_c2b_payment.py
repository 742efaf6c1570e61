"""C2B single stage over real HTTP (reference §5.2, triggers §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import get_api
from sandbox.calllog import documented_length
from sandbox.models import ApiCall, Transaction

PATH = "c2bPayment/singleStage/"


def test_success_creates_a_transaction_and_logs_the_call(gw, developer):
    check_success(gw, developer)


def test_success_over_real_http_is_the_same(live_gw, developer):
    """The in-process transport (tests/sandbox/conftest.py) and a real socket give the
    same answer and rows: the rest of the module runs in-process."""
    check_success(live_gw, developer)


def check_success(gw, developer):
    body = gw.sample("c2bPayment", input_Amount="12.50")
    response = gw.call("POST", PATH, json=body)

    assert response.status_code == 201
    data = response.json()
    assert data["output_ResponseCode"] == "INS-0"
    assert data["output_ResponseDesc"] == "Request processed successfully"
    assert len(data["output_TransactionID"]) == 12 and data["output_TransactionID"].isalnum()
    assert len(data["output_ConversationID"]) == 32
    int(data["output_ConversationID"], 16)
    assert data["output_ThirdPartyConversationID"] == body["input_ThirdPartyConversationID"]
    # Exactly the five captured fields, in the captured order: no input_* echo (§5.2).
    assert list(data) == [
        "output_ResponseCode",
        "output_ResponseDesc",
        "output_TransactionID",
        "output_ConversationID",
        "output_ThirdPartyConversationID",
    ]

    tx = Transaction.objects.get(transaction_id=data["output_TransactionID"])
    assert tx.amount == Decimal("12.50")
    assert tx.user == developer and tx.api_key == developer.api_key
    assert tx.conversation_id == data["output_ConversationID"]
    assert tx.market == "vodafoneGHA" and tx.currency == "GHS"

    call = ApiCall.objects.get()
    assert call.operation == "c2bPayment" and call.market == "vodafoneGHA"
    assert call.method == "POST" and call.path.endswith(PATH)
    assert call.http_status == 201 and call.result_code == "INS-0" and call.is_success
    assert call.amount == Decimal("12.50") and call.msisdn == "000000000001"
    assert call.transaction_id == tx.transaction_id
    assert call.conversation_id == tx.conversation_id
    assert call.third_party_conversation_id == body["input_ThirdPartyConversationID"]
    assert call.request_body == body and call.response_body == data  # the log keeps both
    assert call.latency_ms > 0 and call.api_key == developer.api_key


def test_numbers_where_strings_are_documented_are_accepted(gw):
    body = gw.sample("c2bPayment")
    body["input_Amount"] = 10
    body["input_ServiceProviderCode"] = 123456
    response = gw.call("POST", PATH, json=body)
    assert response.status_code == 201, response.text
    assert not any(k.startswith("input_") for k in response.json())
    assert ApiCall.objects.get().request_body["input_Amount"] == "10"
    assert Transaction.objects.get().amount == Decimal("10.00")


@pytest.mark.parametrize("param", [p.name for p in get_api("c2bPayment").params])
def test_missing_parameter_is_ins_20(gw, param):
    body = gw.sample("c2bPayment")
    del body[param]
    response = gw.call("POST", PATH, json=body)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-20"
    assert not Transaction.objects.exists()
    assert ApiCall.objects.get().result_code == "INS-20"


@pytest.mark.parametrize(
    ("param", "value", "code"),
    [
        ("input_Amount", "ten", "INS-15"),
        ("input_Amount", "0", "INS-15"),
        ("input_Amount", "1.005", "INS-15"),
        ("input_Amount", "NaN", "INS-15"),
        ("input_Amount", "99999999999999999999", "INS-15"),
        ("input_CustomerMSISDN", "12345", "INS-2051"),
        ("input_Country", "TZN", "INS-998"),
        ("input_Currency", "TZS", "INS-26"),
        ("input_Currency", "CEDI", "INS-26"),
        ("input_ServiceProviderCode", "12", "INS-13"),
        ("input_TransactionReference", "x" * 21, "INS-17"),
        ("input_ThirdPartyConversationID", "a-b", "INS-28"),
        ("input_PurchasedItemsDesc", "Handbag, Black shoes", "INS-30"),
    ],
)
def test_bad_value_answers_the_fields_code(gw, param, value, code):
    response = gw.c2b(**{param: value})
    assert response.status_code == 400
    data = response.json()
    assert data["output_ResponseCode"] == code
    assert data["output_ResponseDesc"] == get_api("c2bPayment").result(code).description
    assert not any(k.startswith("input_") for k in data)  # nothing echoed
    # The log keeps it, cut at the parameter's documented length (sandbox.calllog).
    api = get_api("c2bPayment")
    assert (
        ApiCall.objects.get().request_body[param]
        == value[: documented_length(api, api.param(param))]
    )
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("trigger", get_api("c2bPayment").triggers[1:], ids=lambda t: t.value)
def test_each_test_trigger_produces_its_outcome(gw, trigger):
    response = gw.c2b(input_CustomerMSISDN=trigger.value)
    expected = get_api("c2bPayment").result(trigger.code)
    assert response.status_code == expected.http_status
    data = response.json()
    assert data["output_ResponseCode"] == trigger.code
    # A refused payment is recorded as Failed, so Query Transaction Status resolves it.
    tx = Transaction.objects.get()
    assert tx.status == Transaction.Status.FAILED
    assert tx.conversation_id == data["output_ConversationID"]
    call = ApiCall.objects.get()
    assert call.result_code == trigger.code and not call.is_success


def test_repeat_of_the_same_request_is_a_duplicate(gw):
    body = gw.sample("c2bPayment")
    first = gw.call("POST", PATH, json=body)
    second = gw.call("POST", PATH, json=body)
    assert first.status_code == 201
    assert second.status_code == 409
    data = second.json()
    assert data["output_ResponseCode"] == "INS-10"
    assert data["output_TransactionID"] == "N/A"
    assert data["output_ConversationID"] != first.json()["output_ConversationID"]
    assert Transaction.objects.count() == 1
    # Same TPCID with another reference is a new payment.
    third = gw.call("POST", PATH, json={**body, "input_TransactionReference": "other1"})
    assert third.status_code == 201


def test_same_request_by_another_developer_is_no_duplicate(gw, other_gw):
    body = gw.sample("c2bPayment")
    assert gw.call("POST", PATH, json=body).status_code == 201
    assert other_gw.call("POST", PATH, json=body).status_code == 201


def test_anonymous_call_is_refused_and_not_logged(gw):
    response = gw.http.post(gw.url("vodafoneGHA", PATH), json=gw.sample("c2bPayment"))
    assert response.status_code == 401
    assert response.json()["output_ResponseCode"] == "INS-2"
    assert not ApiCall.objects.exists() and not Transaction.objects.exists()


def test_wrong_method_is_405_in_the_envelope(gw):
    response = gw.call("GET", PATH)
    assert response.status_code == 405
    assert response.json()["output_ResponseCode"] == "INS-21"
    assert "POST" in response.headers["Allow"]


def test_other_markets_use_their_country_and_currency(gw):
    body = gw.sample("c2bPayment", market="vodacomTZN")
    response = gw.call("POST", PATH, market="vodacomTZN", json=body)
    assert response.status_code == 201
    assert Transaction.objects.get().currency == "TZS"
