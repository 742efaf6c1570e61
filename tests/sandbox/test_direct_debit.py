"""Direct Debit create, payment, query and cancel over real HTTP (reference §5.7, §5.8,
§5.10, §5.11, triggers §9): the mandate is kept and used by the other three."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import get_api
from sandbox.models import ApiCall, Mandate, Transaction
from tests.sandbox.conftest import fresh_id

MSISDN = "233501234567"


def create(gw, **overrides):
    body = gw.sample("directDebitCreation", **{"input_CustomerMSISDN": MSISDN, **overrides})
    return gw.call("POST", "directDebitCreation/", json=body)


def pay(gw, reference, **overrides):
    body = gw.sample(
        "directDebitPayment", input_ThirdPartyReference=reference, input_CustomerMSISDN=MSISDN
    )
    body.update(overrides)
    body = {k: v for k, v in body.items() if v is not None}
    return gw.call("POST", "directDebitPayment/", json=body)


def query(gw, reference, **overrides):
    params = gw.sample(
        "queryDirectDebit", input_ThirdPartyReference=reference, input_CustomerMSISDN=MSISDN
    )
    params.update(overrides)
    return gw.call("GET", "queryDirectDebit/", params={k: v for k, v in params.items() if v})


def cancel(gw, reference, **overrides):
    body = gw.sample(
        "directDebitCancel", input_ThirdPartyReference=reference, input_CustomerMSISDN=MSISDN
    )
    body.update(overrides)
    return gw.call("PUT", "directDebitCancel/", json={k: v for k, v in body.items() if v})


def test_create_pay_query_cancel(gw, developer):
    created = create(
        gw,
        input_Frequency="04",
        input_FirstPaymentDate="20300101",
        input_StartRangeOfDays="01",
        input_EndRangeOfDays="25",
        input_ExpiryDate="20310101",
    )
    assert created.status_code == 201, created.text
    data = created.json()
    mandate = Mandate.objects.get()
    assert data["output_MandateID"] == mandate.mandate_id
    assert data["output_MsisdnToken"] == mandate.msisdn_token
    assert data["output_TransactionReference"] == mandate.transaction_reference
    assert mandate.user == developer and mandate.msisdn == MSISDN
    reference = mandate.third_party_reference

    paid = pay(gw, reference, input_Amount="25.00")
    assert paid.status_code == 201, paid.text
    assert paid.json()["output_MsisdnToken"] == mandate.msisdn_token
    tx = Transaction.objects.get(transaction_id=paid.json()["output_TransactionID"])
    assert tx.operation == "directDebitPayment" and tx.amount == Decimal("25.00")
    # The token alone names the customer too.
    by_token = pay(gw, reference, input_CustomerMSISDN=None, input_MsisdnToken=mandate.msisdn_token)
    assert by_token.status_code == 201, by_token.text

    found = query(gw, reference, input_MandateID=mandate.mandate_id)
    assert found.status_code == 200, found.text
    q = found.json()
    assert q["output_MandateStatus"] == "Active" and q["output_AccountStatus"] == "Active"
    assert q["output_Frequency"] == "04" and q["output_PaymentDayTo"] == "25"
    assert q["output_FirstPaymentDate"] == "20300101" and q["output_ExpiryDate"] == "20310101"

    tpcid = fresh_id()
    cancelled = cancel(gw, reference, input_ThirdPartyConversationID=tpcid)
    assert cancelled.status_code == 201, cancelled.text
    mandate.refresh_from_db()
    assert mandate.status == Mandate.Status.CANCELLED and mandate.cancelled_at
    assert query(gw, reference).json()["output_MandateStatus"] == "Cancelled"
    assert pay(gw, reference).json()["output_ResponseCode"] == "INS-51"
    again = cancel(gw, reference, input_ThirdPartyConversationID=tpcid)
    assert again.status_code == 409
    other = cancel(gw, reference)
    assert other.status_code == 401
    assert other.json()["output_ResponseDesc"] == "Mandate does not exist"
    operations = set(ApiCall.objects.values_list("operation", flat=True))
    assert operations == {
        "directDebitCreation",
        "directDebitPayment",
        "queryDirectDebit",
        "directDebitCancel",
    }


def test_second_mandate_with_the_same_reference_is_a_duplicate(gw):
    reference = fresh_id()
    assert create(gw, input_ThirdPartyReference=reference).status_code == 201
    again = create(gw, input_ThirdPartyReference=reference)
    assert again.status_code == 409
    assert again.json()["output_TransactionReference"] == "N/A"
    assert Mandate.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"input_AgreedTC": "0"}, "INS-36"),
        ({"input_AgreedTC": "2"}, "INS-36"),
        ({"input_FirstPaymentDate": "20300101"}, "INS-39"),  # no frequency
        ({"input_Frequency": "04", "input_FirstPaymentDate": "20301341"}, "INS-39"),
        ({"input_Frequency": "09"}, "INS-40"),
        ({"input_Frequency": "02", "input_StartRangeOfDays": "01"}, "INS-41"),
        ({"input_Frequency": "04", "input_StartRangeOfDays": "40"}, "INS-41"),
        (
            {"input_Frequency": "04", "input_StartRangeOfDays": "20", "input_EndRangeOfDays": "10"},
            "INS-42",
        ),
        ({"input_ExpiryDate": "2030"}, "INS-43"),
        (
            {
                "input_Frequency": "04",
                "input_FirstPaymentDate": "20300101",
                "input_ExpiryDate": "20291231",
            },
            "INS-43",
        ),
        ({"input_CustomerMSISDN": "1"}, "INS-2051"),
        ({"input_ThirdPartyReference": "a-b"}, "INS-21"),
    ],
)
def test_create_validation(gw, overrides, code):
    response = create(gw, **overrides)
    assert response.status_code == 400, response.text
    assert response.json()["output_ResponseCode"] == code
    assert not Mandate.objects.exists()


def test_payment_errors(gw):
    mandate_ref = fresh_id()
    create(gw, input_ThirdPartyReference=mandate_ref)
    mandate = Mandate.objects.get()
    assert pay(gw, "NoSuchMandate").json()["output_ResponseCode"] == "INS-51"
    assert pay(gw, mandate_ref, input_MandateID="999").json()["output_ResponseCode"] == "INS-52"
    mismatch = pay(gw, mandate_ref, input_CustomerMSISDN="233500000000")
    assert mismatch.json()["output_ResponseCode"] == "INS-50"
    neither = pay(gw, mandate_ref, input_CustomerMSISDN=None)
    assert neither.json()["output_ResponseCode"] == "INS-20"
    assert pay(gw, mandate_ref, input_MandateID=mandate.mandate_id).status_code == 201
    body = gw.sample(
        "directDebitPayment", input_ThirdPartyReference=mandate_ref, input_CustomerMSISDN=MSISDN
    )
    assert gw.call("POST", "directDebitPayment/", json=body).status_code == 201
    duplicate = gw.call("POST", "directDebitPayment/", json=body)
    assert duplicate.status_code == 409 and duplicate.json()["output_TransactionID"] == "N/A"


def test_query_errors_and_balance(gw):
    reference = fresh_id()
    create(gw, input_ThirdPartyReference=reference)
    covered = query(gw, reference, input_QueryBalanceAmount="True", input_BalanceAmount="100")
    assert covered.json()["output_SufficientBalance"] == "True"
    short = query(gw, reference, input_QueryBalanceAmount="true", input_BalanceAmount="600")
    assert short.json()["output_SufficientBalance"] == "False"
    missing = query(gw, reference, input_QueryBalanceAmount="True", input_BalanceAmount="")
    assert (missing.status_code, missing.json()["output_ResponseCode"]) == (401, "INS-55")
    neither = query(gw, reference, input_CustomerMSISDN="")
    assert (neither.status_code, neither.json()["output_ResponseCode"]) == (500, "INS-57")
    unknown = query(gw, "NoSuchRef")
    assert (unknown.status_code, unknown.json()["output_ResponseCode"]) == (400, "INS-58")
    token = query(gw, reference, input_MsisdnToken="wrongtoken")
    assert (token.status_code, token.json()["output_ResponseCode"]) == (401, "INS-56")
    bad_flag = query(gw, reference, input_QueryBalanceAmount="maybe")
    assert bad_flag.json()["output_ResponseCode"] == "INS-21"
    bad_amount = query(gw, reference, input_QueryBalanceAmount="True", input_BalanceAmount="x")
    assert bad_amount.json()["output_ResponseCode"] == "INS-54"
    odd_amount = query(gw, reference, input_QueryBalanceAmount="True", input_BalanceAmount="1x5")
    assert (odd_amount.status_code, odd_amount.json()["output_ResponseCode"]) == (400, "INS-54")


def _trigger_cases():
    for slug in (
        "directDebitCreation",
        "directDebitPayment",
        "queryDirectDebit",
        "directDebitCancel",
    ):
        for trigger in get_api(slug).triggers:
            yield pytest.param(slug, trigger, id=f"{slug}-{trigger.field}-{trigger.value}")


@pytest.mark.parametrize(("slug", "trigger"), list(_trigger_cases()))
def test_each_test_trigger_produces_its_outcome(gw, slug, trigger):
    api = get_api(slug)
    # A success trigger on ThirdPartyReference for the others; here the trigger field wins.
    values = gw.sample(slug, input_ThirdPartyReference="00000000000000000001")
    if slug == "directDebitCreation":
        values["input_ThirdPartyReference"] = fresh_id()
    if slug == "queryDirectDebit":
        values["input_QueryBalanceAmount"] = "True"
        values["input_BalanceAmount"] = "100"
    values[trigger.field] = trigger.value
    if api.method == "GET":
        response = gw.call("GET", api.path, params=values)
    else:
        response = gw.call(api.method, api.path, json=values)
    assert response.status_code == api.result(trigger.code).http_status, response.text
    data = response.json()
    assert data["output_ResponseCode"] == trigger.code
    for name, value in trigger.outputs:
        assert data[name] == value
