"""Every API's success, duplicate and error answers, byte for byte, in every market.

The expected bodies are the reference's captured [obs] or documented [doc] samples
(reference §4, §5): field names, order and fixed values exactly; identifiers the gateway
makes up (ConversationID, TransactionID, tokens, ids) matched by the shapes observed on
the real sandbox. No answer carries any `input_*` value: the captured C2B answer is its
five fields alone (Content-Length 252). Decisions where the reference is open are in
docs/gateway.md.
"""

from __future__ import annotations

import json
import re
import secrets

import pytest

from catalog import MARKETS, get_api
from tests.sandbox.helpers import Wire

pytestmark = pytest.mark.django_db

OK = "Request processed successfully"
# Made-up identifiers, by the shapes of reference §4.
HEX32 = "<hex32>"  # ConversationID, SessionID
TXID = "<txid>"  # 12 mixed-case alphanumerics
TOKEN = "<token>"  # MsisdnToken, 24 characters ending ==
MANDATE = "<mandate>"  # MandateID, digits
VOUCHER = "<voucher>"
_SHAPES = {
    HEX32: "[0-9a-f]{32}",
    TXID: "[0-9A-Za-z]{12}",
    TOKEN: "[0-9A-Za-z]{22}==",
    MANDATE: "[0-9]{1,12}",
    VOUCHER: "[0-9A-Z]{10}",
}
ALL_MARKETS = list(MARKETS)


def wire(fields: list[tuple[str, str]]) -> re.Pattern[str]:
    """The exact compact JSON of `fields` (in this order), placeholders as their shapes."""
    text = re.escape(json.dumps(dict(fields), separators=(",", ":")))
    for placeholder, shape in _SHAPES.items():
        text = text.replace(re.escape(placeholder), shape)
    return re.compile(text)


def assert_wire(response, status: int, fields: list[tuple[str, str]]) -> None:
    assert response.status_code == status, response.content
    text = response.content.decode()
    assert wire(fields).fullmatch(text), f"\n got: {text}\nwant: {dict(fields)}"
    assert response["Content-Length"] == str(len(response.content))


def code(result: str, desc: str) -> list[tuple[str, str]]:
    return [("output_ResponseCode", result), ("output_ResponseDesc", desc)]


def ids(tpcid: str) -> list[tuple[str, str]]:
    return [("output_ConversationID", HEX32), ("output_ThirdPartyConversationID", tpcid)]


@pytest.fixture(params=ALL_MARKETS)
def w(request, developer) -> Wire:
    return Wire(developer, request.param)


def tpcid() -> str:
    return secrets.token_hex(16)


# --- getSession (§5.1) --------------------------------------------------------------


def test_get_session(w):
    assert_wire(w.call("getSession"), 200, [*code("INS-0", OK), ("output_SessionID", HEX32)])
    refused = w.call("getSession", bearer="A" * 684)
    assert_wire(refused, 400, code("INS-989", "Session Creation Failed"))


# --- C2B, B2C, B2B (§5.2 to §5.4) ---------------------------------------------------

PAYMENTS = [
    ("c2bPayment", {"input_Currency": "XX1"}, "INS-26", "Invalid Currency Used"),
    ("b2cPayment", {"input_PaymentItemsDesc": "a,b"}, "INS-31", None),
    ("b2bPayment", {"input_PrimaryPartyCode": "1"}, "INS-13", "Invalid Shortcode Used"),
]


@pytest.mark.parametrize(("slug", "bad", "error", "desc"), PAYMENTS, ids=lambda v: str(v))
def test_payment_success_duplicate_error(w, slug, bad, error, desc):
    body = w.sample(slug)
    tp = body["input_ThirdPartyConversationID"]
    # [obs] S2: 201 with the five fields; the repeat: 409 with TransactionID "N/A".
    assert_wire(
        w.call(slug, body), 201, [*code("INS-0", OK), ("output_TransactionID", TXID), *ids(tp)]
    )
    assert_wire(
        w.call(slug, body),
        409,
        [*code("INS-10", "Duplicate Transaction"), ("output_TransactionID", "N/A"), *ids(tp)],
    )
    refused = w.sample(slug, **bad)
    desc = desc or get_api(slug).result(error).description
    assert_wire(
        w.call(slug, refused),
        400,
        [*code(error, desc), *ids(refused["input_ThirdPartyConversationID"])],
    )


def test_c2b_capture_length_is_252_bytes(w):
    """The captured answer's Content-Length with a 32-character TPCID (§4 [obs])."""
    body = w.sample("c2bPayment", input_ThirdPartyConversationID="asv02e5958774f7ba228d83d0d689761")
    response = w.call("c2bPayment", body)
    assert response.status_code == 201
    assert len(response.content) == 252
    assert response["Content-Length"] == "252"


def test_unauthorized_transactional_call_is_the_uniform_ins_2(w):
    assert_wire(
        w.call("c2bPayment", w.sample("c2bPayment"), bearer="A" * 684),
        401,
        code("INS-2", "Invalid API Key"),
    )


# --- Reversal and Query Transaction Status (§5.5, §5.6) -----------------------------


def test_reversal_success_duplicate_error(w):
    paid = w.call("c2bPayment", w.sample("c2bPayment")).json()
    body = w.sample("reversal", input_TransactionID=paid["output_TransactionID"])
    body.pop("input_ReversalAmount", None)
    tp = body["input_ThirdPartyConversationID"]
    assert_wire(
        w.call("reversal", body),
        201,
        [*code("INS-0", OK), ("output_TransactionID", TXID), *ids(tp)],
    )
    assert_wire(
        w.call("reversal", body),
        409,
        [*code("INS-10", "Duplicate Transaction"), ("output_TransactionID", "N/A"), *ids(tp)],
    )
    unknown = w.sample("reversal", input_TransactionID="NoSuchTx1234")
    assert_wire(
        w.call("reversal", unknown),
        400,
        [
            *code("INS-18", "Invalid TransactionID Used"),
            *ids(unknown["input_ThirdPartyConversationID"]),
        ],
    )


def test_query_transaction_status_success_and_error(w):
    paid = w.call("c2bPayment", w.sample("c2bPayment")).json()
    params = w.sample("queryTransactionStatus", input_QueryReference=paid["output_TransactionID"])
    tp = params["input_ThirdPartyConversationID"]
    # [doc] §5.6 order: status between the description and the two ids.
    assert_wire(
        w.call("queryTransactionStatus", params),
        200,
        [
            *code("INS-0", OK),
            ("output_ResponseTransactionStatus", "Completed"),
            *ids(tp),
            ("output_OriginalTransactionID", paid["output_TransactionID"]),
            ("output_Reversed", "False"),
        ],
    )
    missing = w.sample("queryTransactionStatus", input_QueryReference="NoSuchTx1234")
    assert_wire(
        w.call("queryTransactionStatus", missing),
        400,
        [
            *code("INS-23", "Transaction not found. Contact M-Pesa Support"),
            *ids(missing["input_ThirdPartyConversationID"]),
        ],
    )


# --- Direct Debit (§5.7, §5.8, §5.10, §5.11) ----------------------------------------

MSISDN = "000000000001"


def _create(w, reference: str, **overrides):
    body = w.sample(
        "directDebitCreation", input_ThirdPartyReference=reference, input_CustomerMSISDN=MSISDN
    )
    body.update(overrides)
    return body, w.call("directDebitCreation", body)


def test_direct_debit_create_success_duplicate_error(w):
    reference = "Ref" + secrets.token_hex(6)
    body, response = _create(w, reference)
    tp = body["input_ThirdPartyConversationID"]
    # TransactionReference echoes the ThirdPartyReference [obs]; MsisdnToken and
    # MandateID as documented [doc] (docs/gateway.md).
    assert_wire(
        response,
        201,
        [
            *code("INS-0", OK),
            ("output_TransactionReference", reference),
            ("output_MsisdnToken", TOKEN),
            *ids(tp),
            ("output_MandateID", MANDATE),
        ],
    )
    again, response = _create(w, reference)
    assert_wire(
        response,
        409,
        [
            *code("INS-10", "Duplicate Transaction"),
            ("output_TransactionReference", "N/A"),
            *ids(again["input_ThirdPartyConversationID"]),
        ],
    )
    refused, response = _create(w, "Other" + secrets.token_hex(4), input_AgreedTC="0")
    assert_wire(
        response,
        400,
        [
            *code("INS-36", "Invalid Agreed TC Used"),
            *ids(refused["input_ThirdPartyConversationID"]),
        ],
    )


def test_direct_debit_payment_as_captured_without_a_mandate(w):
    """[obs] S2: 000000000001 with a reference of no mandate answers 201 INS-0."""
    body = w.sample(
        "directDebitPayment",
        input_CustomerMSISDN=MSISDN,
        input_ThirdPartyReference="5db410b459bd433ca8e5",
    )
    tp = body["input_ThirdPartyConversationID"]
    assert_wire(
        w.call("directDebitPayment", body),
        201,
        [*code("INS-0", OK), ("output_TransactionID", TXID), *ids(tp)],
    )
    assert_wire(
        w.call("directDebitPayment", body),
        409,
        [*code("INS-10", "Duplicate Transaction"), ("output_TransactionID", "N/A"), *ids(tp)],
    )


def test_direct_debit_payment_with_a_mandate_and_its_error(w):
    reference = "Ref" + secrets.token_hex(6)
    token = _create(w, reference)[1].json()["output_MsisdnToken"]
    body = w.sample(
        "directDebitPayment", input_CustomerMSISDN=MSISDN, input_ThirdPartyReference=reference
    )
    # [doc] §5.8 order: MsisdnToken between TransactionID and the two ids.
    assert_wire(
        w.call("directDebitPayment", body),
        201,
        [
            *code("INS-0", OK),
            ("output_TransactionID", TXID),
            ("output_MsisdnToken", token),
            *ids(body["input_ThirdPartyConversationID"]),
        ],
    )
    refused = w.sample(
        "directDebitPayment",
        input_CustomerMSISDN="233501234567",
        input_ThirdPartyReference="NoMandate" + secrets.token_hex(4),
    )
    assert_wire(
        w.call("directDebitPayment", refused),
        400,
        [
            *code("INS-51", "Invalid MandateID Used"),
            *ids(refused["input_ThirdPartyConversationID"]),
        ],
    )


def test_query_direct_debit_success_and_error(w):
    reference = "Ref" + secrets.token_hex(6)
    created = _create(w, reference)[1].json()
    params = w.sample(
        "queryDirectDebit",
        input_ThirdPartyReference=reference,
        input_CustomerMSISDN=MSISDN,
        input_BalanceAmount="200",
    )
    # [doc] §5.10 order.
    assert_wire(
        w.call("queryDirectDebit", params),
        200,
        [
            *code("INS-0", OK),
            ("output_TransactionReference", reference),
            *ids(params["input_ThirdPartyConversationID"]),
            ("output_SufficientBalance", "True"),
            ("output_MsisdnToken", created["output_MsisdnToken"]),
            ("output_MandateID", created["output_MandateID"]),
            ("output_MandateStatus", "Active"),
            ("output_AccountStatus", "Active"),
            ("output_FirstPaymentDate", ""),
            ("output_Frequency", ""),
            ("output_PaymentDayFrom", ""),
            ("output_PaymentDayTo", ""),
            ("output_ExpiryDate", ""),
        ],
    )
    missing = w.sample(
        "queryDirectDebit",
        input_ThirdPartyReference="NoMandate" + secrets.token_hex(4),
        input_CustomerMSISDN=MSISDN,
    )
    assert_wire(
        w.call("queryDirectDebit", missing),
        400,
        [
            *code("INS-58", "No Active Mandate found"),
            *ids(missing["input_ThirdPartyConversationID"]),
        ],
    )


def test_direct_debit_cancel_success_duplicate_error(w):
    reference = "Ref" + secrets.token_hex(6)
    created = _create(w, reference)[1].json()
    body = w.sample(
        "directDebitCancel", input_ThirdPartyReference=reference, input_CustomerMSISDN=MSISDN
    )
    tp = body["input_ThirdPartyConversationID"]
    assert_wire(
        w.call("directDebitCancel", body),
        201,
        [
            *code("INS-0", OK),
            ("output_TransactionReference", reference),
            ("output_MsisdnToken", created["output_MsisdnToken"]),
            *ids(tp),
        ],
    )
    assert_wire(
        w.call("directDebitCancel", body),
        409,
        [
            *code("INS-10", "Duplicate Transaction"),
            ("output_TransactionReference", "N/A"),
            *ids(tp),
        ],
    )
    gone = w.sample(
        "directDebitCancel",
        input_ThirdPartyReference="NoMandate" + secrets.token_hex(4),
        input_CustomerMSISDN=MSISDN,
    )
    assert_wire(
        w.call("directDebitCancel", gone),
        401,
        [*code("INS-6", "Mandate does not exist"), *ids(gone["input_ThirdPartyConversationID"])],
    )


# --- Query Beneficiary Name (§5.9, Ghana only) --------------------------------------


def test_query_beneficiary_name_success_and_error(developer):
    w = Wire(developer, "vodafoneGHA")
    params = w.sample("queryBeneficiaryName", input_CustomerMSISDN=MSISDN)
    assert_wire(
        w.call("queryBeneficiaryName", params),
        200,
        [
            *code("INS-0", OK),
            ("output_CustomerFirstName", "Jiazhen"),
            ("output_CustomerLastName", "Wuu"),
            *ids(params["input_ThirdPartyConversationID"]),
        ],
    )
    bad = w.sample("queryBeneficiaryName", input_KycQueryType="Address")
    assert_wire(
        w.call("queryBeneficiaryName", bad),
        400,
        [
            *code("INS-32", "Invalid KYC Query Type Used"),
            *ids(bad["input_ThirdPartyConversationID"]),
        ],
    )


# --- C2B two stage and Update Transaction Status (§5.12, contract from clients) -----


def test_two_stage_reserve_commit_and_errors(w):
    body = w.sample("c2bMultiStage")
    tp = body["input_ThirdPartyConversationID"]
    reserved = w.call("c2bMultiStage", body)
    assert_wire(
        reserved,
        201,
        [
            *code("INS-0", OK),
            ("output_TransactionID", TXID),
            *ids(tp),
            ("output_VoucherCode", VOUCHER),
        ],
    )
    assert_wire(
        w.call("c2bMultiStage", body),
        409,
        [*code("INS-10", "Duplicate Transaction"), ("output_TransactionID", "N/A"), *ids(tp)],
    )
    stage1 = reserved.json()
    update = w.sample(
        "updateTransactionStatus",
        input_TransactionID=stage1["output_TransactionID"],
        input_VoucherCode=stage1["output_VoucherCode"],
    )
    assert_wire(
        w.call("updateTransactionStatus", update),
        200,
        [*code("INS-GAR-0", OK), *ids(update["input_ThirdPartyConversationID"])],
    )
    again = w.sample(
        "updateTransactionStatus",
        input_TransactionID=stage1["output_TransactionID"],
        input_VoucherCode=stage1["output_VoucherCode"],
    )
    assert_wire(
        w.call("updateTransactionStatus", again),
        401,
        [*code("INS-6", "Transaction Failed"), *ids(again["input_ThirdPartyConversationID"])],
    )
