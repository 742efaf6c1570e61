"""Direct Debit create, payment, query and cancel (reference §5.7, §5.8, §5.10, §5.11)."""

from __future__ import annotations

import secrets
import string
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox.models import Mandate
from sandbox.simulation.base import GatewayCall, Outcome, conversation_outputs, failure
from sandbox.simulation.transactions import (
    duplicate,
    is_duplicate,
    record_transaction,
    succeeded,
    validated_amount,
)
from sandbox.validation import amount_of

# The sandbox customer's wallet balance for Query Direct Debit (§9: 600 is "larger than
# 500" and not covered, 100 is covered).
SANDBOX_BALANCE = 500
# The sandbox's default customer (§9): success for every API, with or without a mandate.
SANDBOX_CUSTOMER = "000000000001"
_ONE_SHOT_FREQUENCIES = {"01", "02", "03", "08"}
_TOKEN_ALPHABET = string.ascii_letters + string.digits


def _parse_date(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y%m%d").date()  # noqa: DTZ007 (a calendar date)
    except ValueError:
        return None


def _new_token() -> str:
    """24 characters shaped like the documented `cvgwUBZ3lAO9ivwhWAFeng==`, without the
    `+` and `/` of Base64, which the input_MsisdnToken regex (§5.8) does not admit."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(22)) + "=="


def _new_mandate_id() -> str:
    return str(secrets.randbelow(9 * 10**7) + 10**7)


def _schedule_error(call: GatewayCall) -> str | None:
    """The frequency rules of §5.7; returns the code of the first broken rule."""
    frequency = call.get("input_Frequency")
    first, expiry = call.get("input_FirstPaymentDate"), call.get("input_ExpiryDate")
    start, end = call.get("input_StartRangeOfDays"), call.get("input_EndRangeOfDays")
    if first and _parse_date(first) is None:
        return "INS-39"
    if expiry and _parse_date(expiry) is None:
        return "INS-43"
    if not frequency and first:
        return "INS-39"
    if (not frequency or frequency in _ONE_SHOT_FREQUENCIES) and (start or end):
        return "INS-41" if start else "INS-42"
    if start and not 1 <= int(start) <= 31:
        return "INS-41"
    if end and (not 1 <= int(end) <= 31 or (start and int(end) < int(start))):
        return "INS-42"
    first_date = _parse_date(first) if first else None
    expiry_date = _parse_date(expiry) if expiry else None
    if expiry_date and first_date and expiry_date < first_date:
        return "INS-43"
    return None


def create(call: GatewayCall) -> Outcome:
    if call.get("input_AgreedTC") != "1":
        return failure(call, "INS-36")
    code = _schedule_error(call)
    if code:
        return failure(call, code)
    reference = call.get("input_ThirdPartyReference")
    if Mandate.objects.filter(
        user=call.user, third_party_reference=reference, status=Mandate.Status.ACTIVE
    ).exists():
        return failure(call, "INS-10", output_TransactionReference="N/A")
    frequency = call.get("input_Frequency")
    first = call.get("input_FirstPaymentDate")
    try:
        with transaction.atomic():
            mandate = Mandate.objects.create(
                api_key=call.api_key,
                user=call.user,
                market=call.market.slug,
                mandate_id=_new_mandate_id(),
                third_party_reference=reference,
                # Captured (§5.7 [obs]): TransactionReference is the ThirdPartyReference
                # sent, which clients send back to Payment, Query and Cancel.
                transaction_reference=reference,
                third_party_conversation_id=call.get("input_ThirdPartyConversationID"),
                msisdn=call.get("input_CustomerMSISDN"),
                msisdn_token=_new_token(),
                frequency=frequency,
                first_payment_date=_parse_date(first)
                if first
                else (timezone.localdate() if frequency else None),
                start_range_of_days=call.get("input_StartRangeOfDays"),
                end_range_of_days=call.get("input_EndRangeOfDays"),
                expiry_date=_parse_date(call.get("input_ExpiryDate") or "x"),
            )
    except IntegrityError:
        return failure(call, "INS-10", output_TransactionReference="N/A")
    return Outcome(
        "INS-0",
        {
            "output_TransactionReference": mandate.transaction_reference,
            "output_MsisdnToken": mandate.msisdn_token,
            **conversation_outputs(call),
            "output_MandateID": mandate.mandate_id,
        },
        msisdn=mandate.msisdn,
    )


def _customer_error(call: GatewayCall, *, neither: str) -> str | None:
    """Either MsisdnToken or CustomerMSISDN is needed (`neither` is the API's code)."""
    if not call.get("input_MsisdnToken") and not call.get("input_CustomerMSISDN"):
        return neither
    return None


def _find_mandate(call: GatewayCall, *, active_only: bool) -> Mandate | None:
    """The reference's newest mandate; with `active_only`, only one that is active and
    not past its ExpiryDate (an expired mandate takes no payment and no cancellation)."""
    mandates = Mandate.objects.filter(
        user=call.user, third_party_reference=call.get("input_ThirdPartyReference")
    )
    if active_only:
        mandates = mandates.filter(status=Mandate.Status.ACTIVE)
    mandate = mandates.order_by("-created_at", "-pk").first()
    if active_only and mandate is not None and mandate.is_expired():
        return None
    return mandate


def _mandate_mismatch(call: GatewayCall, mandate: Mandate, *, mismatch_code: str) -> str | None:
    """INS-52 wrong MandateID for the reference; INS-50/mismatch_code wrong customer."""
    mandate_id = call.get("input_MandateID")
    if mandate_id and mandate_id != mandate.mandate_id:
        return "INS-52"
    token, msisdn = call.get("input_MsisdnToken"), call.get("input_CustomerMSISDN")
    if token and token != mandate.msisdn_token:
        return mismatch_code
    if msisdn and msisdn != mandate.msisdn:
        return "INS-50"
    return None


def payment(call: GatewayCall) -> Outcome:
    code = _customer_error(call, neither="INS-20")
    if code:
        return failure(call, code)
    if is_duplicate(call):
        return duplicate(call)
    amount = validated_amount(call)
    mandate = _find_mandate(call, active_only=True)
    msisdn = call.get("input_CustomerMSISDN")
    if "input_CustomerMSISDN" in call.triggered and (mandate is None or msisdn != SANDBOX_CUSTOMER):
        # A success trigger needs no mandate (captured: 000000000001 with an unknown
        # reference answers 201 INS-0, §5.8). No mandate, so no MsisdnToken field: an
        # empty one would be a field the capture does not have.
        tx = record_transaction(call, amount=amount, msisdn=msisdn)
        return duplicate(call) if tx is None else succeeded(call, tx)
    if mandate is None:
        # A payment needs a live mandate: none under this reference, or only an expired
        # or cancelled one, is an invalid MandateID (docs/gateway.md).
        return failure(call, "INS-51")
    code = _mandate_mismatch(call, mandate, mismatch_code="INS-50")
    if code:
        return failure(call, code)
    tx = record_transaction(call, amount=amount, msisdn=mandate.msisdn)
    if tx is None:
        return duplicate(call)
    return succeeded(call, tx, output_MsisdnToken=mandate.msisdn_token)


def query(call: GatewayCall) -> Outcome:
    wants_balance = call.get("input_QueryBalanceAmount").lower() == "true"
    if wants_balance and not call.get("input_BalanceAmount"):
        return failure(call, "INS-55")
    code = _customer_error(call, neither="INS-57")
    if code:
        return failure(call, code)
    mandate = None
    if "input_ThirdPartyReference" not in call.triggered:
        mandate = _find_mandate(call, active_only=False)
    if mandate is None and _status_triggered(call):
        # The reference trigger and the status triggers (customer 000000000002..04,
        # mandate 000001..04) answer on their own, with the documented sample mandate,
        # when the caller has no mandate under that reference.
        outputs = _synthetic_mandate_outputs(call)
    else:
        if mandate is None:
            return failure(call, "INS-58")
        code = _mandate_mismatch(call, mandate, mismatch_code="INS-56")
        if code:
            return failure(call, code)
        outputs = _mandate_outputs(mandate)
    if wants_balance:
        # The documented regex `^\d*.?\d+$` has an unescaped dot: "1x5" passes it.
        balance = amount_of(call.get("input_BalanceAmount"))
        if balance is None:
            return failure(call, "INS-54")
        outputs["output_SufficientBalance"] = "True" if balance <= SANDBOX_BALANCE else "False"
    outputs.update(call.trigger_outputs)
    return Outcome("INS-0", {**conversation_outputs(call), **outputs})


def _status_triggered(call: GatewayCall) -> bool:
    """A Query Direct Debit trigger that stands for a mandate of its own: not the
    default customer 000000000001 (whose mandates are real) nor a balance trigger."""
    return (
        "input_ThirdPartyReference" in call.triggered
        or "input_MandateID" in call.triggered
        or (
            "input_CustomerMSISDN" in call.triggered
            and call.get("input_CustomerMSISDN") != SANDBOX_CUSTOMER
        )
    )


def _mandate_outputs(mandate: Mandate) -> dict[str, str]:
    def ymd(value):
        return value.strftime("%Y%m%d") if value else ""

    return {
        "output_TransactionReference": mandate.transaction_reference,
        "output_MsisdnToken": mandate.msisdn_token,
        "output_MandateID": mandate.mandate_id,
        "output_MandateStatus": mandate.status_label,
        "output_AccountStatus": "Active",
        "output_FirstPaymentDate": ymd(mandate.first_payment_date),
        "output_Frequency": mandate.frequency,
        "output_PaymentDayFrom": mandate.start_range_of_days,
        "output_PaymentDayTo": mandate.end_range_of_days,
        "output_ExpiryDate": ymd(mandate.expiry_date),
    }


def _synthetic_mandate_outputs(call: GatewayCall) -> dict[str, str]:
    """The documented sample mandate, for the success trigger (§5.10, §9)."""
    return {
        "output_TransactionReference": call.get("input_ThirdPartyReference"),
        "output_MsisdnToken": call.get("input_MsisdnToken") or "cvgwUBZ3lAO9ivwhWAFeng==",
        "output_MandateID": call.get("input_MandateID") or "15132",
        "output_MandateStatus": "Active",
        "output_AccountStatus": "Active",
        "output_FirstPaymentDate": "20221012",
        "output_Frequency": "02",
        "output_PaymentDayFrom": "01",
        "output_PaymentDayTo": "25",
        "output_ExpiryDate": "20230410",
    }


def cancel(call: GatewayCall) -> Outcome:
    code = _customer_error(call, neither="INS-20")
    if code:
        return failure(call, code)
    tpcid = call.get("input_ThirdPartyConversationID")
    if "input_ThirdPartyReference" in call.triggered:
        return Outcome(
            "INS-0",
            {
                "output_TransactionReference": call.get("input_ThirdPartyReference"),
                "output_MsisdnToken": call.get("input_MsisdnToken"),
                **conversation_outputs(call),
            },
        )
    repeat = _find_mandate(call, active_only=False)
    if (
        repeat
        and repeat.status == Mandate.Status.CANCELLED
        and repeat.cancel_conversation_id == tpcid
    ):
        return failure(call, "INS-10", output_TransactionReference="N/A")
    mandate = _find_mandate(call, active_only=True)
    if mandate is None:
        return failure(call, "INS-6")  # "Mandate does not exist" in this API's table
    code = _mandate_mismatch(call, mandate, mismatch_code="INS-50")
    if code:
        return failure(call, code)
    mandate.status = Mandate.Status.CANCELLED
    mandate.cancelled_at = timezone.now()
    mandate.cancel_conversation_id = tpcid
    mandate.save(update_fields=["status", "cancelled_at", "cancel_conversation_id"])
    return Outcome(
        "INS-0",
        {
            "output_TransactionReference": mandate.transaction_reference,
            "output_MsisdnToken": mandate.msisdn_token,
            **conversation_outputs(call),
        },
        msisdn=mandate.msisdn,
    )
