"""Asynchronous mode through the gateway over real HTTP (live_server): the
acknowledgement, the callback from a real Celery worker, Query Transaction Status while
a result is pending, refused requests answered synchronously, and switching back."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from callbacks.models import CallbackDelivery
from sandbox.models import ApiCall, Transaction
from tests.factories import set_async_url

ACK_FIELDS = {
    "output_ResponseCode",
    "output_ResponseDesc",
    "output_ConversationID",
    "output_ThirdPartyConversationID",
}


def wait_delivered(count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if CallbackDelivery.objects.filter(status="delivered").count() >= count:
            return
        time.sleep(0.1)
    raise AssertionError("callbacks not delivered in time")


@pytest.mark.celery_worker
def test_payment_is_acknowledged_then_its_result_called_back(celery_worker, gw, receiver):
    body = gw.sample("c2bPayment")
    response = gw.c2b(**body)
    assert response.status_code == 201, response.text
    ack = response.json()
    # §6: these four, no TransactionID and no input_* echo (as every answer).
    assert set(ack) == ACK_FIELDS
    assert ack["output_ResponseCode"] == "INS-0"
    assert ack["output_ThirdPartyConversationID"] == body["input_ThirdPartyConversationID"]

    [got] = receiver.wait_for(1)
    transaction = Transaction.objects.get()
    assert got.json == {
        "input_OriginalConversationID": ack["output_ConversationID"],
        "input_TransactionID": transaction.transaction_id,
        "input_ResultCode": "INS-0",
        "input_ResultDesc": "Request processed successfully",
        "input_ThirdPartyConversationID": body["input_ThirdPartyConversationID"],
    }
    call = ApiCall.objects.get()
    assert call.is_async and call.result_code == "INS-0"
    assert call.conversation_id == ack["output_ConversationID"]
    wait_delivered(1)
    assert CallbackDelivery.objects.get().api_call == call


@pytest.mark.celery_worker
def test_query_transaction_status_works_while_the_result_is_pending(
    request, gw, receiver, developer
):
    # No worker yet: the payment's callback stays pending.
    paid = gw.c2b().json()
    assert CallbackDelivery.objects.get().status == "pending"
    conversation_id = paid["output_ConversationID"]

    params = gw.sample("queryTransactionStatus", input_QueryReference=conversation_id)
    response = gw.call("GET", "queryTransactionStatus/", params=params)
    assert response.status_code == 200, response.text
    assert {k for k in response.json() if k.startswith("output_")} == ACK_FIELDS

    request.getfixturevalue("celery_worker")
    connection.close()  # Celery's Django fixup closed this thread's connection
    received = receiver.wait_for(2)
    by_operation = {r.json.get("input_OriginalConversationID"): r.json for r in received}
    status = by_operation[response.json()["output_ConversationID"]]
    payment = Transaction.objects.get(conversation_id=conversation_id)
    assert status["input_ResultCode"] == "INS-0"
    assert status["input_OriginalTransactionID"] == payment.transaction_id
    assert status["input_Reversed"] == "False"

    # And synchronously, once the URL is cleared.
    set_async_url(developer, "")
    params = gw.sample("queryTransactionStatus", input_QueryReference=conversation_id)
    data = gw.call("GET", "queryTransactionStatus/", params=params).json()
    assert data["output_OriginalTransactionID"] == payment.transaction_id


def test_invalid_request_is_refused_synchronously(gw, receiver):
    response = gw.c2b(input_Amount="")
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-20"
    assert not CallbackDelivery.objects.exists()
    assert not ApiCall.objects.get().is_async


def test_get_session_is_never_deferred(gw, receiver):
    response = gw.call("GET", "getSession/")
    assert response.status_code == 200
    assert "output_SessionID" in response.json()
    assert not CallbackDelivery.objects.exists()


def test_cleared_url_means_synchronous_again(gw, developer):
    set_async_url(developer, "")
    data = gw.c2b().json()
    assert data["output_TransactionID"]
    assert not CallbackDelivery.objects.exists()
    assert not ApiCall.objects.get().is_async
