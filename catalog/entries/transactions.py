"""Reversal and Query Transaction Status (reference §5.5, §5.6, triggers §9)."""

from django.utils.translation import gettext_noop

from catalog.common import (
    CONVERSATION_ID,
    COUNTRY,
    PAYMENT_CALLBACK,
    PAYMENT_RESPONSE,
    RESPONSE_CODE,
    RESPONSE_DESC,
    SERVICE_PROVIDER_CODE,
    THIRD_PARTY_CONVERSATION_ID,
    TPCID_ECHO,
    amount,
    codes,
)
from catalog.markets import ALL_MARKETS
from catalog.types import Api, CallbackField, Param, ResponseField, Trigger

REVERSAL = Api(
    slug="reversal",
    name="Reversal",
    summary=gettext_noop("Reverse a successful transaction, fully or partly."),
    description=(
        gettext_noop(
            "Returns the money of an earlier transaction of yours. Omit input_ReversalAmount "
            "to reverse what is left of it; give an amount to reverse part of it. A "
            "transaction can be partly reversed several times until nothing is left."
        )
    ),
    method="PUT",
    path="reversal/",
    alternate_methods=("POST",),
    markets=ALL_MARKETS,
    params=(
        amount(
            "input_ReversalAmount",
            required=False,
            description=gettext_noop("The amount to reverse; omit it for a full reversal."),
        ),
        COUNTRY,
        SERVICE_PROVIDER_CODE,
        Param(
            "input_TransactionID",
            gettext_noop(
                "The output_TransactionID of the transaction to reverse: 1 to 20 letters or digits."
            ),
            "0000000000001",
            regex=r"^[0-9a-zA-Z]{1,20}$",
            error_code="INS-18",
        ),
        THIRD_PARTY_CONVERSATION_ID,
    ),
    response_fields=PAYMENT_RESPONSE,
    result_codes=codes(
        201,
        (400, "INS-1 INS-13 INS-15 INS-18 INS-20 INS-21 INS-28 INS-35 INS-996 INS-997 INS-998"),
        (401, "INS-6"),
        (408, "INS-9"),
        (409, "INS-10"),
        (422, "INS-2006"),
        (503, "INS-16"),
    ),
    success_status=201,
    callback_fields=PAYMENT_CALLBACK,
    triggers=tuple(
        Trigger("input_TransactionID", f"{n:013d}", code, description)
        for n, (code, description) in enumerate(
            [
                ("INS-0", "Success"),
                ("INS-1", "Internal Error"),
                ("INS-6", "Transaction Failed"),
                ("INS-15", "Invalid Amount"),
                ("INS-2006", "Insufficient balance"),
                ("INS-35", "This transaction do not belong to you"),
                ("INS-16", "Service is not available"),
            ],
            start=1,
        )
    ),
    is_seed=True,
    notes=(
        gettext_noop(
            "The documented verb is PUT; POST is accepted too (several client libraries use it)."
        ),
    ),
)


def _qts_trigger(value: str, code: str, description: str, reversed_: str = "") -> Trigger:
    outputs = (("output_Reversed", reversed_),) if reversed_ else ()
    return Trigger("input_QueryReference", value, code, description, outputs)


QUERY_TRANSACTION_STATUS = Api(
    slug="queryTransactionStatus",
    name="Query Transaction Status",
    summary=gettext_noop("Find out the state of an earlier transaction."),
    description=(
        gettext_noop(
            "input_QueryReference may be the transaction's output_TransactionID, its "
            "output_ConversationID or your input_ThirdPartyConversationID. The answer says "
            "whether the transaction completed and whether it was reversed."
        )
    ),
    method="GET",
    path="queryTransactionStatus/",
    markets=ALL_MARKETS,
    params=(
        Param(
            "input_QueryReference",
            gettext_noop(
                "TransactionID, ConversationID or ThirdPartyConversationID of the transaction."
            ),
            "000000000001",
            regex=r"^(?:[A-Za-z0-9]{10,20}|[A-Za-z0-9]{1,9}|[A-Za-z0-9]{21,32})$",
            error_code="INS-21",
        ),
        COUNTRY,
        SERVICE_PROVIDER_CODE,
        THIRD_PARTY_CONVERSATION_ID,
    ),
    response_fields=(
        RESPONSE_CODE,
        RESPONSE_DESC,
        ResponseField(
            "output_ResponseTransactionStatus",
            gettext_noop(
                "The transaction's state: Completed; Failed for a payment a test trigger "
                "refused (a timeout included); Pending or Cancelled for a two-stage payment "
                "not yet committed or released."
            ),
            "Completed",
            on_success_only=True,
        ),
        CONVERSATION_ID,
        TPCID_ECHO,
        ResponseField(
            "output_OriginalTransactionID",
            gettext_noop("The TransactionID of the transaction found."),
            "G27DEn1DLoQ3",
            on_success_only=True,
        ),
        ResponseField(
            "output_Reversed",
            gettext_noop("True once the transaction was reversed (fully or partly), else False."),
            "False",
            on_success_only=True,
        ),
    ),
    result_codes=codes(
        200,
        (400, "INS-1 INS-13 INS-20 INS-21 INS-23 INS-28 INS-996 INS-997 INS-998"),
        (401, "INS-6"),
        (408, "INS-9"),
        (503, "INS-16"),
    ),
    success_status=200,
    callback_fields=(
        *PAYMENT_CALLBACK,
        CallbackField(
            "input_OriginalTransactionID", gettext_noop("The TransactionID of the transaction.")
        ),
        CallbackField("input_Reversed", gettext_noop("True or False."), "False"),
    ),
    triggers=(
        _qts_trigger("000000000001", "INS-0", "Success, not reversed", "False"),
        _qts_trigger("000000000002", "INS-1", "Internal Error"),
        _qts_trigger("000000000003", "INS-6", "Transaction Failed"),
        _qts_trigger("000000000007", "INS-16", "Service is not available"),
        _qts_trigger("000000000000000000001", "INS-0", "Success, reversed", "True"),
        _qts_trigger("000000000000000000002", "INS-23", "Missing Reference"),
        _qts_trigger("000000000000000000003", "INS-1", "Internal Error"),
        _qts_trigger("000000000000000000004", "INS-6", "Transaction Failed"),
        _qts_trigger("000000000000000000005", "INS-16", "Service is not available"),
    ),
    is_seed=True,
)
