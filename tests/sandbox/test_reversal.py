"""Reversal over real HTTP (reference §5.5, triggers §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import get_api
from sandbox.models import ApiCall, Transaction
from sandbox.simulation import transactions
from tests.sandbox.conftest import fresh_id

PATH = "reversal/"


def pay(gw, amount="100.00") -> str:
    response = gw.c2b(input_Amount=amount)
    assert response.status_code == 201, response.text
    return response.json()["output_TransactionID"]


def reverse(gw, transaction_id, amount=None, method="PUT", **overrides):
    body = gw.sample("reversal", input_TransactionID=transaction_id, **overrides)
    body.pop("input_ReversalAmount")  # the sample's partial amount; None = full reversal
    if amount is not None:
        body["input_ReversalAmount"] = amount
    return gw.call(method, PATH, json=body)


def test_full_reversal(gw):
    tx_id = pay(gw)
    response = reverse(gw, tx_id)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["output_ResponseCode"] == "INS-0"
    assert data["output_TransactionID"] != tx_id
    original = Transaction.objects.get(transaction_id=tx_id)
    assert original.reversed_amount == Decimal("100.00")
    reversal = Transaction.objects.get(transaction_id=data["output_TransactionID"])
    assert reversal.original == original and reversal.amount == Decimal("100.00")
    call = ApiCall.objects.get(operation="reversal")
    assert call.is_success and call.http_status == 201


def test_partial_reversals_until_nothing_is_left(gw):
    tx_id = pay(gw)
    assert reverse(gw, tx_id, "30").status_code == 201
    too_much = reverse(gw, tx_id, "70.01")
    assert too_much.status_code == 400
    assert too_much.json()["output_ResponseCode"] == "INS-15"
    assert reverse(gw, tx_id, "70").status_code == 201
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == Decimal("100.00")
    nothing_left = reverse(gw, tx_id)
    assert nothing_left.json()["output_ResponseCode"] == "INS-15"


def test_post_is_accepted_for_reversal(gw):
    tx_id = pay(gw)
    response = reverse(gw, tx_id, method="POST")
    assert response.status_code == 201


def test_unknown_transaction_is_ins_18(gw):
    response = reverse(gw, "NoSuchTx1234")
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-18"


def test_reversal_of_a_reversal_is_refused(gw):
    tx_id = pay(gw)
    reversal_id = reverse(gw, tx_id, "10").json()["output_TransactionID"]
    response = reverse(gw, reversal_id)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-18"
    assert Transaction.objects.get(transaction_id=reversal_id).reversed_amount == 0


def test_another_developers_transaction_is_ins_35(gw, other_gw):
    tx_id = pay(other_gw)
    response = reverse(gw, tx_id)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-35"
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == 0


def test_transaction_of_another_market_is_invalid_market(gw):
    tx_id = pay(gw)
    body = gw.sample("reversal", market="vodacomTZN", input_TransactionID=tx_id)
    body.pop("input_ReversalAmount")
    response = gw.call("PUT", PATH, market="vodacomTZN", json=body)
    assert response.json()["output_ResponseCode"] == "INS-998"


def test_repeat_is_a_duplicate(gw):
    tx_id = pay(gw)
    body = gw.sample("reversal", input_TransactionID=tx_id, input_ReversalAmount="5")
    assert gw.call("PUT", PATH, json=body).status_code == 201
    again = gw.call("PUT", PATH, json=body)
    assert again.status_code == 409
    assert again.json()["output_TransactionID"] == "N/A"
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == Decimal("5.00")


@pytest.mark.parametrize(
    ("param", "value", "code"),
    [
        ("input_TransactionID", "bad-id!", "INS-18"),
        ("input_ReversalAmount", "-1", "INS-15"),
        ("input_ReversalAmount", "0", "INS-15"),
        ("input_ServiceProviderCode", "1", "INS-13"),
        ("input_ThirdPartyConversationID", "", "INS-20"),
        ("input_Country", "MOZ", "INS-998"),
    ],
)
def test_validation_errors(gw, param, value, code):
    body = gw.sample("reversal", input_TransactionID="0000000000001")
    body[param] = value
    response = gw.call("PUT", PATH, json=body)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == code


@pytest.mark.parametrize("trigger", get_api("reversal").triggers, ids=lambda t: t.value)
def test_each_test_trigger_produces_its_outcome(gw, trigger):
    response = reverse(gw, trigger.value, "1", input_ThirdPartyConversationID=fresh_id())
    assert response.status_code == get_api("reversal").result(trigger.code).http_status
    assert response.json()["output_ResponseCode"] == trigger.code


def test_a_repeat_racing_the_first_is_a_duplicate_and_changes_nothing(gw, monkeypatch):
    """Two identical reversals at once: both read "no earlier reversal", the second's
    insert meets the first's row (its dedupe constraint). That second call's transaction
    is rolled back whole (no savepoint) and it is answered and logged as the duplicate."""
    tx_id = pay(gw)
    body = gw.sample("reversal", input_TransactionID=tx_id, input_ReversalAmount="5")
    assert gw.call("PUT", PATH, json=body).status_code == 201
    looked_up = transactions._original_and_repeat
    monkeypatch.setattr(
        transactions, "_original_and_repeat", lambda call: (looked_up(call)[0], False)
    )

    again = gw.call("PUT", PATH, json=body)

    assert again.status_code == 409
    assert again.json()["output_ResponseCode"] == "INS-10"
    assert again.json()["output_TransactionID"] == "N/A"
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == Decimal("5.00")
    assert Transaction.objects.filter(original__transaction_id=tx_id).count() == 1
    logged = ApiCall.objects.filter(operation="reversal").order_by("created_at", "pk")
    assert [c.result_code for c in logged] == ["INS-0", "INS-10"]
