"""C2B two-stage payment and Update Transaction Status (reference §5.12).

Contract known from client libraries, not from the portal's own pages: S1 lists a
"C2B two-step payment" product but the copy of it has no page for it. What is here is
where the two third-party sources (S6, S7) agree: stage 1 is the C2B body plus
input_APIVersion "3.1" and answers a voucher code; stage 2 names the transaction and
the voucher and carries the operation in input_CustomerMSISDN ("1" commit, "0"
release); its success code is INS-GAR-0. Choices the sources leave open are in
docs/gateway.md.
"""

from django.utils.translation import gettext_noop

from catalog.common import (
    CONVERSATION_ID,
    COUNTRY,
    LIMIT_CODES,
    RESPONSE_CODE,
    RESPONSE_DESC,
    SERVICE_PROVIDER_CODE,
    THIRD_PARTY_CONVERSATION_ID,
    TPCID_ECHO,
    TRANSACTION_ID,
    codes,
    rc,
)
from catalog.entries.payments import C2B_PAYMENT
from catalog.markets import ALL_MARKETS
from catalog.types import Api, Param, ResponseField, Trigger

_NOTE = gettext_noop(
    "Contract known from client libraries: the portal documentation copy the sandbox is "
    "built from has no page for this API (reference §5.12)."
)

API_VERSION = Param(
    "input_APIVersion",
    gettext_noop("The API version: 3.1."),
    "3.1",
    possible_values=("3.1",),
    error_code="INS-21",
)

C2B_MULTI_STAGE = Api(
    slug="c2bMultiStage",
    name="C2B Two Stage",
    summary=gettext_noop("Reserve a customer's payment now, commit or release it later."),
    description=(
        gettext_noop(
            "Stage 1 of a two-stage payment: the customer approves it and the money is "
            "reserved. The answer carries a voucher code; Update Transaction Status with the "
            "TransactionID and the voucher then commits the payment or releases it. Until "
            "then Query Transaction Status reports it as Pending."
        )
    ),
    method="POST",
    path="c2bPayment/multiStage/",
    markets=ALL_MARKETS,
    params=(*C2B_PAYMENT.params, API_VERSION),
    response_fields=(
        RESPONSE_CODE,
        RESPONSE_DESC,
        TRANSACTION_ID,
        CONVERSATION_ID,
        TPCID_ECHO,
        ResponseField(
            "output_VoucherCode",
            gettext_noop("The voucher of the reserved payment, for Update Transaction Status."),
            "K3Q9ZT81XW",
            on_success_only=True,
        ),
    ),
    result_codes=C2B_PAYMENT.result_codes,
    success_status=201,
    supports_async=False,
    triggers=C2B_PAYMENT.triggers,
    notes=(_NOTE, gettext_noop("Synchronous only in this sandbox.")),
)

UPDATE_TRANSACTION_STATUS = Api(
    slug="updateTransactionStatus",
    name="Update Transaction Status",
    summary=gettext_noop("Commit or release a reserved two-stage payment."),
    description=(
        gettext_noop(
            "Stage 2 of a two-stage payment. input_CustomerMSISDN carries the operation, "
            "not a phone number: 1 commits the reserved payment (it becomes Completed), 0 "
            "releases it (Cancelled). The success code is INS-GAR-0."
        )
    ),
    method="PUT",
    path="updateTransactionStatus/",
    alternate_methods=("POST",),
    markets=ALL_MARKETS,
    params=(
        COUNTRY,
        Param(
            "input_VoucherCode",
            gettext_noop("The output_VoucherCode of stage 1: 4 to 12 letters or digits."),
            "K3Q9ZT81XW",
            regex=r"^[0-9a-zA-Z]{4,12}$",
            error_code="INS-21",
        ),
        Param(
            "input_CustomerMSISDN",
            gettext_noop("The operation, under this name on the portal: 1 commits, 0 releases."),
            "1",
            regex=r"^[01]$",
            error_code="INS-21",
        ),
        SERVICE_PROVIDER_CODE,
        THIRD_PARTY_CONVERSATION_ID,
        Param(
            "input_TransactionID",
            gettext_noop("The output_TransactionID of stage 1: 1 to 13 letters or digits."),
            "0000000000001",
            regex=r"^[0-9a-zA-Z]{1,13}$",
            error_code="INS-18",
        ),
        API_VERSION,
    ),
    response_fields=(RESPONSE_CODE, RESPONSE_DESC, CONVERSATION_ID, TPCID_ECHO),
    result_codes=(
        rc("INS-GAR-0", 200, "Request processed successfully"),
        *codes(
            200,
            (400, f"INS-1 INS-13 INS-18 INS-20 INS-21 INS-28 {LIMIT_CODES}"),
            (401, "INS-6"),
            (408, "INS-9"),
            (503, "INS-16"),
        )[1:],
    ),
    success_status=200,
    supports_async=False,
    triggers=tuple(
        Trigger("input_TransactionID", f"{n:013d}", code, description)
        for n, (code, description) in enumerate(
            [
                ("INS-GAR-0", "Success"),
                ("INS-1", "Internal Error"),
                ("INS-6", "Transaction Failed"),
                ("INS-16", "Service is not available"),
            ],
            start=1,
        )
    ),
    notes=(_NOTE, gettext_noop("Synchronous only in this sandbox.")),
)
