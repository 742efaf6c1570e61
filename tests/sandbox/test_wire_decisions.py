"""The decisions of issue 13 where the reference is open (docs/gateway.md): Direct Debit
as captured, mandate expiry, the unknown outcome made resolvable, the two-stage payment,
and what the call log keeps. In-process calls (tests.sandbox.helpers.Wire)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from sandbox.models import ApiCall, Mandate, Transaction
from tests.sandbox.helpers import Wire

pytestmark = pytest.mark.django_db

MSISDN = "000000000001"


@pytest.fixture
def w(developer) -> Wire:
    return Wire(developer, "vodafoneGHA")


def _reference() -> str:
    return "Ref" + secrets.token_hex(6)


# --- Direct Debit (§5.7, §5.8, §5.10) -----------------------------------------------


def test_create_answers_the_third_party_reference_which_payment_query_cancel_take(w):
    reference = _reference()
    created = w.call(
        "directDebitCreation",
        w.sample(
            "directDebitCreation", input_ThirdPartyReference=reference, input_CustomerMSISDN=MSISDN
        ),
    ).json()
    assert created["output_TransactionReference"] == reference
    assert Mandate.objects.get().transaction_reference == reference
    back = created["output_TransactionReference"]
    paid = w.call(
        "directDebitPayment",
        w.sample("directDebitPayment", input_ThirdPartyReference=back, input_CustomerMSISDN=MSISDN),
    )
    assert paid.status_code == 201
    assert paid.json()["output_MsisdnToken"] == created["output_MsisdnToken"]


def test_payment_trigger_success_has_no_msisdn_token_field(w):
    body = w.sample("directDebitPayment", input_CustomerMSISDN="00000000000000000001")
    data = w.call("directDebitPayment", body).json()
    assert data["output_ResponseCode"] == "INS-0"
    assert "output_MsisdnToken" not in data


@pytest.mark.parametrize(
    ("field", "value", "output", "status"),
    [
        ("input_CustomerMSISDN", "000000000002", "output_AccountStatus", "Pending Approval"),
        ("input_CustomerMSISDN", "000000000003", "output_AccountStatus", "Locked"),
        ("input_CustomerMSISDN", "000000000004", "output_AccountStatus", "Inactive"),
        ("input_MandateID", "000002", "output_MandateStatus", "Pending Approval"),
        ("input_MandateID", "000003", "output_MandateStatus", "Cancelled"),
        ("input_MandateID", "000004", "output_MandateStatus", "Expired"),
    ],
)
def test_query_status_triggers_work_with_no_mandate(w, field, value, output, status):
    params = w.sample(
        "queryDirectDebit",
        **{
            "input_ThirdPartyReference": _reference(),  # not the reference trigger
            "input_CustomerMSISDN": MSISDN,
            field: value,
        },
    )
    response = w.call("queryDirectDebit", params)
    assert response.status_code == 200, response.content
    assert response.json()[output] == status
    assert not Mandate.objects.exists()


def test_a_mandate_past_its_expiry_date_is_expired(w):
    reference = _reference()
    w.call(
        "directDebitCreation",
        w.sample(
            "directDebitCreation",
            input_ThirdPartyReference=reference,
            input_CustomerMSISDN=MSISDN,
            input_Frequency="04",
            input_FirstPaymentDate="20300101",
            input_ExpiryDate="20300131",
        ),
    )
    query = w.sample(
        "queryDirectDebit", input_ThirdPartyReference=reference, input_CustomerMSISDN=MSISDN
    )
    pay = w.sample(
        "directDebitPayment",
        input_ThirdPartyReference=reference,
        input_CustomerMSISDN="233501234567",
    )
    Mandate.objects.update(msisdn="233501234567")  # a real customer: no trigger involved
    query["input_CustomerMSISDN"] = "233501234567"

    on_expiry_day = timezone.make_aware(datetime(2030, 1, 31, 23, 0))
    with mock.patch("django.utils.timezone.now", return_value=on_expiry_day):
        assert w.call("queryDirectDebit", query).json()["output_MandateStatus"] == "Active"
        assert w.call("directDebitPayment", pay).status_code == 201

    day_after = on_expiry_day + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=day_after):
        query["input_ThirdPartyConversationID"] = secrets.token_hex(16)
        data = w.call("queryDirectDebit", query).json()
        assert data["output_MandateStatus"] == "Expired"
        pay["input_ThirdPartyConversationID"] = secrets.token_hex(16)
        refused = w.call("directDebitPayment", pay)
        assert refused.status_code == 400
        assert refused.json()["output_ResponseCode"] == "INS-51"
    assert Transaction.objects.filter(operation="directDebitPayment").count() == 1


# --- The unknown outcome is resolvable (§13.5) --------------------------------------


@pytest.mark.parametrize("by", ["input_ThirdPartyConversationID", "output_ConversationID"])
def test_after_a_timeout_query_transaction_status_answers_failed(w, by):
    body = w.sample("c2bPayment", input_CustomerMSISDN="000000000002")  # Request timeout
    timed_out = w.call("c2bPayment", body)
    assert timed_out.status_code == 408
    assert timed_out.json()["output_ResponseCode"] == "INS-9"
    reference = body[by] if by.startswith("input_") else timed_out.json()[by]

    response = w.call(
        "queryTransactionStatus", w.sample("queryTransactionStatus", input_QueryReference=reference)
    )
    assert response.status_code == 200
    data = response.json()
    assert data["output_ResponseTransactionStatus"] == "Failed"
    assert data["output_Reversed"] == "False"
    tx = Transaction.objects.get()
    assert data["output_OriginalTransactionID"] == tx.transaction_id
    assert tx.status == Transaction.Status.FAILED

    # A failed payment is no duplicate: the retry with the same ids is a new payment...
    retry = w.call("c2bPayment", {**body, "input_CustomerMSISDN": MSISDN})
    assert retry.status_code == 201
    # ... and cannot be reversed.
    reversal = w.sample("reversal", input_TransactionID=tx.transaction_id)
    assert w.call("reversal", reversal).json()["output_ResponseCode"] == "INS-18"


def test_a_refused_request_still_leaves_no_transaction(w):
    response = w.call("c2bPayment", w.sample("c2bPayment", input_Currency="XXX"))
    assert response.json()["output_ResponseCode"] == "INS-26"
    assert not Transaction.objects.exists()


# --- C2B two stage and Update Transaction Status (§5.12) ----------------------------


def _status_of(w, transaction_id: str) -> str:
    params = w.sample("queryTransactionStatus", input_QueryReference=transaction_id)
    return w.call("queryTransactionStatus", params).json()["output_ResponseTransactionStatus"]


@pytest.mark.parametrize(("operation", "final"), [("1", "Completed"), ("0", "Cancelled")])
def test_two_stage_payment_is_pending_until_committed_or_released(w, operation, final):
    stage1 = w.call("c2bMultiStage", w.sample("c2bMultiStage")).json()
    tx_id, voucher = stage1["output_TransactionID"], stage1["output_VoucherCode"]
    assert _status_of(w, tx_id) == "Pending"
    # A pending payment cannot be reversed yet.
    assert (
        w.call("reversal", w.sample("reversal", input_TransactionID=tx_id)).json()[
            "output_ResponseCode"
        ]
        == "INS-18"
    )

    wrong = w.sample(
        "updateTransactionStatus", input_TransactionID=tx_id, input_VoucherCode="WRONG1"
    )
    assert w.call("updateTransactionStatus", wrong).json()["output_ResponseCode"] == "INS-21"
    update = w.sample(
        "updateTransactionStatus",
        input_TransactionID=tx_id,
        input_VoucherCode=voucher,
        input_CustomerMSISDN=operation,
    )
    response = w.call("updateTransactionStatus", update)
    assert (response.status_code, response.json()["output_ResponseCode"]) == (200, "INS-GAR-0")
    assert _status_of(w, tx_id) == final
    call = ApiCall.objects.filter(operation="updateTransactionStatus").latest("created_at")
    assert call.is_success and call.result_code == "INS-GAR-0"


def test_update_transaction_status_of_an_unknown_transaction_is_ins_18(w):
    body = w.sample("updateTransactionStatus", input_TransactionID="NoSuchTx1234")
    response = w.call("updateTransactionStatus", body)
    assert (response.status_code, response.json()["output_ResponseCode"]) == (400, "INS-18")


@pytest.mark.parametrize(
    ("value", "status", "code"),
    [
        ("0000000000002", 400, "INS-1"),
        ("0000000000003", 401, "INS-6"),
        ("0000000000004", 503, "INS-16"),
    ],
)
def test_update_transaction_status_triggers(w, value, status, code):
    response = w.call(
        "updateTransactionStatus", w.sample("updateTransactionStatus", input_TransactionID=value)
    )
    assert (response.status_code, response.json()["output_ResponseCode"]) == (status, code)


# --- What the call log keeps and the docs page shows --------------------------------


def _huge_body(w) -> dict:
    body = w.sample("c2bPayment")
    body["input_PurchasedItemsDesc"] = "x" * 5000
    for n in range(1200):
        body[f"input_MadeUp{n:04d}"] = f"{n:04d}" + "y" * 176
    return body


def test_a_huge_call_is_stored_and_shown_bounded(w, developer):
    body = _huge_body(w)
    raw = json.dumps(body)
    assert 240_000 < len(raw) < 256 * 1024
    response = w.call("c2bPayment", body)
    assert response.status_code == 400  # the description is too long: INS-30
    assert len(response.content) < 300  # and nothing of it comes back

    call = ApiCall.objects.get()
    stored = call.request_body
    assert len(json.dumps(stored)) < 8_000
    assert stored["input_PurchasedItemsDesc"] == "x" * 256  # capped at its documented length
    assert stored["input_Amount"] == body["input_Amount"]
    unknown = [k for k in stored if k.startswith("input_MadeUp")]
    assert unknown == [f"input_MadeUp{n:04d}" for n in range(20)]  # the first 20, as sent
    assert all(len(stored[k]) == 180 for k in unknown)

    client = Client()
    client.force_login(developer)
    page = client.get("/docs/apis/c2bPayment/")
    assert page.status_code == 200
    empty = Client()
    empty.force_login(developer)
    ApiCall.objects.all().delete()
    baseline = len(empty.get("/docs/apis/c2bPayment/").content)
    assert len(page.content) - baseline < 20_000


def test_the_last_calls_panel_caps_an_old_oversized_row(w, developer):
    """Rows logged before the bound (or by any other path) are cut when shown."""
    w.call("c2bPayment", w.sample("c2bPayment"))
    ApiCall.objects.update(request_body={f"input_K{n}": "z" * 250 for n in range(2000)})
    client = Client()
    client.force_login(developer)
    page = client.get("/docs/apis/c2bPayment/").content.decode()
    assert "more characters not shown" in page
    assert len(page) < 200_000
