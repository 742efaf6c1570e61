"""B2C and B2B single stage over real HTTP (reference §5.3, §5.4, triggers §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import get_api
from sandbox.models import ApiCall, Transaction

PATHS = {"b2cPayment": "b2cPayment/", "b2bPayment": "b2bPayment/"}


@pytest.mark.parametrize("slug", PATHS)
def test_success_creates_a_transaction(gw, slug):
    body = gw.sample(slug, input_Amount="99.99")
    response = gw.call("POST", PATHS[slug], json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["output_ResponseCode"] == "INS-0"
    tx = Transaction.objects.get(transaction_id=data["output_TransactionID"])
    assert tx.operation == slug and tx.amount == Decimal("99.99")
    assert ApiCall.objects.get().operation == slug
    # Reversible like any payment.
    reversal = gw.sample("reversal", input_TransactionID=tx.transaction_id)
    reversal.pop("input_ReversalAmount")
    assert gw.call("PUT", "reversal/", json=reversal).status_code == 201


@pytest.mark.parametrize("slug", PATHS)
def test_duplicate(gw, slug):
    body = gw.sample(slug)
    assert gw.call("POST", PATHS[slug], json=body).status_code == 201
    again = gw.call("POST", PATHS[slug], json=body)
    assert again.status_code == 409 and again.json()["output_TransactionID"] == "N/A"


@pytest.mark.parametrize(
    ("slug", "param", "value", "code"),
    [
        ("b2cPayment", "input_PaymentItemsDesc", "Salary, June", "INS-31"),
        ("b2cPayment", "input_CustomerMSISDN", "abc", "INS-2051"),
        ("b2cPayment", "input_Amount", "", "INS-20"),
        ("b2bPayment", "input_ReceiverPartyCode", "1", "INS-13"),
        ("b2bPayment", "input_PrimaryPartyCode", "toolongpartycode", "INS-13"),
        ("b2bPayment", "input_PurchasedItemsDesc", "a;b", "INS-30"),
        ("b2bPayment", "input_Currency", "USD", "INS-26"),
    ],
)
def test_validation_errors(gw, slug, param, value, code):
    body = gw.sample(slug)
    body[param] = value
    response = gw.call("POST", PATHS[slug], json=body)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == code
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(
    ("slug", "trigger"),
    [(slug, t) for slug in PATHS for t in get_api(slug).triggers],
    ids=lambda v: v if isinstance(v, str) else v.value,
)
def test_each_test_trigger_produces_its_outcome(gw, slug, trigger):
    body = gw.sample(slug, **{trigger.field: trigger.value})
    response = gw.call("POST", PATHS[slug], json=body)
    assert response.status_code == get_api(slug).result(trigger.code).http_status
    assert response.json()["output_ResponseCode"] == trigger.code
    # Every trigger records the payment: Completed on success, Failed otherwise (so
    # Query Transaction Status can resolve it).
    expected = "completed" if trigger.code == "INS-0" else "failed"
    assert list(Transaction.objects.values_list("status", flat=True)) == [expected]


def test_wrong_method(gw):
    assert gw.call("PUT", "b2bPayment/", json={}).status_code == 405
