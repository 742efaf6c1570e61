"""ApiCall.build: the one constructor of call-log rows (gateway, bench floor, seed_demo)."""

from __future__ import annotations

import pytest

from sandbox.models import ApiCall

pytestmark = pytest.mark.django_db


def _build(key, **overrides) -> ApiCall:
    values = {
        "api_key": key,
        "operation": "c2bPayment",
        "market": "vodafoneGHA",
        "method": "POST",
        "path": "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/",
        "request_body": {},
        "response_body": {
            "output_ResponseCode": "INS-0",
            "output_ResponseDesc": "Request processed successfully",
            "output_TransactionID": "TX00000001",
            "output_ConversationID": "c" * 32,
        },
        "http_status": 201,
        "latency_ms": 12.34567,
    }
    return ApiCall.build(**(values | overrides))


def test_result_and_ids_come_from_the_answer(developer):
    call = _build(developer.api_key)
    assert (call.result_code, call.result_desc, call.is_success) == (
        "INS-0",
        "Request processed successfully",
        True,
    )
    assert (call.transaction_id, call.conversation_id) == ("TX00000001", "c" * 32)
    assert call.user_id == developer.pk
    assert call.latency_ms == 12.346
    assert call.created_at is not None and call.pk is None  # built, not saved


def test_a_failure_without_a_transaction(developer):
    call = _build(
        developer.api_key,
        response_body={
            "output_ResponseCode": "INS-10",
            "output_ResponseDesc": "Duplicate Transaction",
            "output_TransactionID": "N/A",
        },
        http_status=409,
    )
    assert (call.is_success, call.transaction_id, call.conversation_id) == (False, "", "")


def test_what_the_client_sent_is_capped_to_the_columns(developer):
    call = _build(
        developer.api_key,
        path="/" + "p" * 300,
        msisdn="9" * 50,
        third_party_conversation_id="t" * 100,
        response_body={"output_ResponseCode": "INS-21", "output_ResponseDesc": "d" * 300},
    )
    call.save()
    call.refresh_from_db()
    assert (len(call.path), len(call.msisdn), len(call.third_party_conversation_id)) == (
        200,
        32,
        64,
    )
    assert len(call.result_desc) == 200
