"""Direct Debit create, payment, query and cancel (reference §5.7, §5.8, §5.10, §5.11).

A mandate is created once (the customer consents) and then used by payments, queries
and the cancellation. Either input_MsisdnToken or input_CustomerMSISDN names the
customer; when both are given they must match (INS-50).
"""

from dataclasses import replace

from django.utils.translation import gettext_noop

from catalog.common import (
    CONVERSATION_ID,
    COUNTRY,
    CURRENCY,
    LIMIT_CODES,
    MANDATE_ID,
    MSISDN_RE,
    MSISDN_TOKEN,
    ORIGINAL_CONVERSATION_ID_CB,
    PAYMENT_CALLBACK,
    RESPONSE_CODE,
    RESPONSE_DESC,
    RESULT_CODE_CB,
    RESULT_DESC_CB,
    SERVICE_PROVIDER_CODE,
    THIRD_PARTY_CONVERSATION_ID,
    THIRD_PARTY_REFERENCE_DD,
    TPCID_CB,
    TPCID_ECHO,
    TRANSACTION_ID,
    amount,
    codes,
    customer_msisdn,
    rc,
)
from catalog.markets import ALL_MARKETS
from catalog.types import Api, CallbackField, Param, ResponseField, Trigger

_TP_REFERENCE_CREATE = replace(THIRD_PARTY_REFERENCE_DD, error_code="INS-21")
_TWO_DIGITS = r"^[0-9]{2}$"
_DATE = r"^[0-9]{8}$"

MSISDN_TOKEN_OUT = ResponseField(
    "output_MsisdnToken",
    gettext_noop("A token standing for the customer's MSISDN, usable instead of it."),
    "cvgwUBZ3lAO9ivwhWAFeng==",
    on_success_only=True,
)
TRANSACTION_REFERENCE_OUT = ResponseField(
    "output_TransactionReference",
    gettext_noop("The mandate's transaction reference."),
    "vgisfyn4b22w6tmqjftatq75lyuie6vc",
)
MANDATE_ID_OUT = ResponseField(
    "output_MandateID", gettext_noop("The mandate's identifier."), "15045", on_success_only=True
)
MSISDN_TOKEN_CB = CallbackField("input_MsisdnToken", gettext_noop("The customer's MSISDN token."))
TRANSACTION_REFERENCE_CB = CallbackField(
    "input_TransactionReference", gettext_noop("The mandate's transaction reference.")
)
MANDATE_ID_CB = CallbackField("input_MandateID", gettext_noop("The mandate's identifier."))

_FREQUENCIES = ("01", "02", "03", "04", "05", "06", "07", "08")


def _triggers(field: str, width: int, outcomes: list[tuple[str, str]]) -> tuple[Trigger, ...]:
    return tuple(
        Trigger(field, f"{n:0{width}d}", code, description)
        for n, (code, description) in enumerate(outcomes, start=1)
    )


_COMMON_OUTCOMES = [
    ("INS-0", "Success"),
    ("INS-1", "Internal Error"),
    ("INS-6", "Transaction Failed"),
    ("INS-9", "Request timeout"),
    ("INS-16", "Service is not available"),
]

DIRECT_DEBIT_CREATION = Api(
    slug="directDebitCreation",
    name="Direct Debit Create",
    summary=gettext_noop("Create a mandate allowing the business to debit a customer."),
    description=(
        gettext_noop(
            "The customer consents to the mandate, and can later view or cancel it from the "
            "M-Pesa menu. The answer carries the mandate's id and a token for the customer's "
            "MSISDN, both usable by Direct Debit Payment, Query and Cancel."
        )
    ),
    method="POST",
    path="directDebitCreation/",
    markets=ALL_MARKETS,
    params=(
        customer_msisdn(
            gettext_noop("The customer's phone number. 12 to 14 digits, with the country code.")
        ),
        COUNTRY,
        SERVICE_PROVIDER_CODE,
        _TP_REFERENCE_CREATE,
        THIRD_PARTY_CONVERSATION_ID,
        Param(
            "input_AgreedTC",
            gettext_noop("1 when the customer agreed to the terms and conditions."),
            "1",
            regex=r"^[0-1]{1}$",
            error_code="INS-36",
        ),
        Param(
            "input_FirstPaymentDate",
            gettext_noop("The first payment's date, YYYYMMDD."),
            "",
            required=False,
            regex=_DATE,
            error_code="INS-39",
        ),
        Param(
            "input_Frequency",
            gettext_noop(
                "01 once off, 02 daily, 03 weekly, 04 monthly, 05 quarterly, 06 half-yearly, "
                "07 yearly, 08 on demand."
            ),
            "",
            required=False,
            regex=_TWO_DIGITS,
            possible_values=_FREQUENCIES,
            error_code="INS-40",
        ),
        Param(
            "input_StartRangeOfDays",
            gettext_noop("First day of the payment window (monthly and longer frequencies)."),
            "",
            required=False,
            regex=_TWO_DIGITS,
            error_code="INS-41",
        ),
        Param(
            "input_EndRangeOfDays",
            gettext_noop("Last day of the payment window (monthly and longer frequencies)."),
            "",
            required=False,
            regex=_TWO_DIGITS,
            error_code="INS-42",
        ),
        Param(
            "input_ExpiryDate",
            gettext_noop("The mandate's expiry date, YYYYMMDD."),
            "",
            required=False,
            regex=_DATE,
            error_code="INS-43",
        ),
    ),
    response_fields=(
        RESPONSE_CODE,
        RESPONSE_DESC,
        TRANSACTION_REFERENCE_OUT,
        MSISDN_TOKEN_OUT,
        CONVERSATION_ID,
        TPCID_ECHO,
        MANDATE_ID_OUT,
    ),
    result_codes=codes(
        201,
        (
            400,
            "INS-1 INS-13 INS-15 INS-17 INS-20 INS-21 INS-26 INS-28 INS-30 INS-36 INS-39 "
            f"INS-40 INS-41 INS-42 INS-43 {LIMIT_CODES} INS-2051",
        ),
        (401, "INS-6"),
        (408, "INS-9"),
        (409, "INS-10"),
        (422, "INS-2006"),
        (503, "INS-16"),
    ),
    success_status=201,
    callback_fields=(
        ORIGINAL_CONVERSATION_ID_CB,
        TRANSACTION_REFERENCE_CB,
        MSISDN_TOKEN_CB,
        RESULT_CODE_CB,
        RESULT_DESC_CB,
        TPCID_CB,
        MANDATE_ID_CB,
    ),
    triggers=_triggers("input_CustomerMSISDN", 12, _COMMON_OUTCOMES),
)

DIRECT_DEBIT_PAYMENT = Api(
    slug="directDebitPayment",
    name="Direct Debit Payment",
    summary=gettext_noop("Debit a customer under an existing mandate."),
    description=(
        gettext_noop(
            "Name the customer by input_MsisdnToken or input_CustomerMSISDN (both: they must "
            "match) and the mandate by input_ThirdPartyReference (and optionally "
            "input_MandateID)."
        )
    ),
    method="POST",
    path="directDebitPayment/",
    markets=ALL_MARKETS,
    params=(
        MSISDN_TOKEN,
        Param(
            "input_CustomerMSISDN",
            gettext_noop(
                "The customer's phone number, 12 to 14 digits with the country code (or give "
                "input_MsisdnToken). The example is the sandbox's success trigger, which needs "
                "no mandate."
            ),
            "00000000000000000001",
            required=False,
            regex=MSISDN_RE,
            error_code="INS-2051",
        ),
        COUNTRY,
        SERVICE_PROVIDER_CODE,
        _TP_REFERENCE_CREATE,
        THIRD_PARTY_CONVERSATION_ID,
        amount(),
        CURRENCY,
        MANDATE_ID,
    ),
    response_fields=(
        RESPONSE_CODE,
        RESPONSE_DESC,
        TRANSACTION_ID,
        MSISDN_TOKEN_OUT,
        CONVERSATION_ID,
        TPCID_ECHO,
    ),
    result_codes=codes(
        201,
        (
            400,
            "INS-1 INS-13 INS-15 INS-17 INS-20 INS-21 INS-26 INS-28 INS-30 INS-50 INS-51 "
            f"INS-52 {LIMIT_CODES} INS-2051",
        ),
        (401, "INS-6"),
        (408, "INS-9"),
        (409, "INS-10"),
        (422, "INS-2006"),
        (503, "INS-16"),
    ),
    success_status=201,
    callback_fields=(*PAYMENT_CALLBACK, MSISDN_TOKEN_CB),
    # 20-digit MSISDNs although the regex says 12 to 14 (reference §5.8, §13.8): the
    # gateway accepts a trigger value whatever the regex. The default customer
    # 000000000001 succeeds too, without a mandate (captured, §5.8 [obs]); with a mandate
    # under the reference it pays under that mandate.
    triggers=(
        Trigger(
            "input_CustomerMSISDN",
            "000000000001",
            "INS-0",
            "Success: the sandbox customer, with or without a mandate",
        ),
        *_triggers("input_CustomerMSISDN", 20, _COMMON_OUTCOMES),
    ),
)

_QDD_OUT = [
    ("output_TransactionReference", "The mandate's transaction reference.", "Test123"),
    (
        "output_SufficientBalance",
        gettext_noop("True when the balance covers input_BalanceAmount."),
        "True",
    ),
    ("output_MsisdnToken", "The customer's MSISDN token.", "cvgwUBZ3lAO9ivwhWAFeng=="),
    ("output_MandateID", "The mandate's identifier.", "15132"),
    (
        "output_MandateStatus",
        gettext_noop("Active, Pending Approval, Cancelled or Expired."),
        "Active",
    ),
    (
        "output_AccountStatus",
        gettext_noop("Active, Pending Approval, Locked or Inactive."),
        "Active",
    ),
    ("output_FirstPaymentDate", gettext_noop("YYYYMMDD."), "20221012"),
    ("output_Frequency", gettext_noop("The mandate's frequency code."), "02"),
    ("output_PaymentDayFrom", gettext_noop("First day of the payment window."), "01"),
    ("output_PaymentDayTo", gettext_noop("Last day of the payment window."), "25"),
    ("output_ExpiryDate", gettext_noop("YYYYMMDD."), "20230410"),
]

QUERY_DIRECT_DEBIT = Api(
    slug="queryDirectDebit",
    name="Query Direct Debit",
    summary=gettext_noop("Check a mandate's status and, optionally, the customer's balance."),
    description=(
        gettext_noop(
            "Finds the mandate by input_ThirdPartyReference (and input_MandateID if given). "
            "With input_QueryBalanceAmount True, input_BalanceAmount is required and "
            "output_SufficientBalance says whether the customer could pay it."
        )
    ),
    method="GET",
    path="queryDirectDebit/",
    path_aliases=("querydirectDebit/",),
    markets=ALL_MARKETS,
    params=(
        Param(
            "input_QueryBalanceAmount",
            gettext_noop("True to check the customer's balance against input_BalanceAmount."),
            "True",
            type="boolean string",
            possible_values=("True", "False"),
            error_code="INS-21",
        ),
        Param(
            "input_BalanceAmount",
            gettext_noop("The amount to check the balance against."),
            "100",
            required=False,
            type="decimal string",
            regex=r"^\d*.?\d+$",
            error_code="INS-54",
        ),
        COUNTRY,
        customer_msisdn(
            gettext_noop(
                "The customer's phone number (or give input_MsisdnToken). "
                "12 to 14 digits, with the country code."
            ),
            required=False,
        ),
        replace(MSISDN_TOKEN, error_code="INS-56"),
        SERVICE_PROVIDER_CODE,
        THIRD_PARTY_CONVERSATION_ID,
        replace(THIRD_PARTY_REFERENCE_DD, fresh=False, example="00000000000000000001"),
        MANDATE_ID,
        CURRENCY,
    ),
    response_fields=(
        # The documented order (§5.10): TransactionReference before the two ids.
        RESPONSE_CODE,
        RESPONSE_DESC,
        ResponseField(*_QDD_OUT[0], on_success_only=True),
        CONVERSATION_ID,
        TPCID_ECHO,
        *(ResponseField(n, d, e, on_success_only=True) for n, d, e in _QDD_OUT[1:]),
    ),
    result_codes=(
        *codes(
            200,
            (
                400,
                "INS-997 INS-20 INS-13 INS-998 INS-17 INS-26 INS-21 INS-54 INS-51 INS-58 "
                "INS-19 INS-28 INS-2051 INS-50",
            ),
            (401, "INS-56 INS-55 INS-6"),
            (408, "INS-9"),
            (409, "INS-10"),
            (422, "INS-2006"),
            (500, "INS-57 INS-1 INS-52"),
            (503, "INS-16"),
        ),
    ),
    success_status=200,
    supports_async=True,
    callback_fields=(
        CallbackField(
            "input_ResponseCode", gettext_noop("The result code (not input_ResultCode here).")
        ),
        CallbackField("input_ResponseDesc", gettext_noop("The result's description.")),
        TRANSACTION_REFERENCE_CB,
        ORIGINAL_CONVERSATION_ID_CB,
        TPCID_CB,
        *(CallbackField(n.replace("output_", "input_"), d, e) for n, d, e in _QDD_OUT[1:]),
    ),
    triggers=(
        *_triggers(
            "input_ThirdPartyReference",
            20,
            [
                ("INS-0", "Success"),
                ("INS-1", "Internal Error"),
                ("INS-6", "Transaction Failed"),
                ("INS-9", "Request timeout"),
                ("INS-1", "Internal Error"),
            ],
        ),
        Trigger("input_ThirdPartyReference", "9" * 20, "INS-21", "Invalid Use Case"),
        *(
            Trigger(
                "input_CustomerMSISDN",
                f"{n:012d}",
                "INS-0",
                status,
                (("output_AccountStatus", status),),
            )
            for n, status in enumerate(["Active", "Pending Approval", "Locked", "Inactive"], 1)
        ),
        *(
            Trigger(
                "input_MandateID", f"{n:06d}", "INS-0", status, (("output_MandateStatus", status),)
            )
            for n, status in enumerate(["Active", "Pending Approval", "Cancelled", "Expired"], 1)
        ),
        Trigger(
            "input_BalanceAmount",
            "600",
            "INS-0",
            "Balance is 500: an amount above it is not covered",
            (("output_SufficientBalance", "False"),),
        ),
        Trigger(
            "input_BalanceAmount",
            "100",
            "INS-0",
            "Balance is 500: an amount up to it is covered",
            (("output_SufficientBalance", "True"),),
        ),
    ),
)

DIRECT_DEBIT_CANCEL = Api(
    slug="directDebitCancel",
    name="Cancel Direct Debit",
    summary=gettext_noop("Cancel a mandate."),
    description=gettext_noop(
        "Cancels the mandate named by input_ThirdPartyReference (and input_MandateID)."
    ),
    method="PUT",
    path="directDebitCancel/",
    alternate_methods=("POST",),
    markets=ALL_MARKETS,
    params=(
        MSISDN_TOKEN,
        customer_msisdn(
            gettext_noop(
                "The customer's phone number (or give input_MsisdnToken). "
                "12 to 14 digits, with the country code."
            ),
            required=False,
        ),
        COUNTRY,
        SERVICE_PROVIDER_CODE,
        replace(THIRD_PARTY_REFERENCE_DD, fresh=False, example="00000000000000000001"),
        THIRD_PARTY_CONVERSATION_ID,
        MANDATE_ID,
    ),
    response_fields=(
        RESPONSE_CODE,
        RESPONSE_DESC,
        TRANSACTION_REFERENCE_OUT,
        MSISDN_TOKEN_OUT,
        CONVERSATION_ID,
        TPCID_ECHO,
    ),
    result_codes=(
        *codes(
            201,
            (
                400,
                f"INS-1 INS-13 INS-19 INS-20 INS-21 INS-28 INS-30 INS-50 INS-51 INS-52 "
                f"{LIMIT_CODES} INS-2051",
            ),
            (408, "INS-9"),
            (409, "INS-10"),
            (422, "INS-2006"),
            (503, "INS-16"),
        ),
        rc("INS-6", 401, "Mandate does not exist"),
    ),
    success_status=201,
    callback_fields=(
        ORIGINAL_CONVERSATION_ID_CB,
        TRANSACTION_REFERENCE_CB,
        MSISDN_TOKEN_CB,
        RESULT_CODE_CB,
        RESULT_DESC_CB,
        TPCID_CB,
    ),
    triggers=(
        *_triggers(
            "input_ThirdPartyReference",
            20,
            [
                ("INS-0", "Success"),
                ("INS-1", "Internal Error"),
                ("INS-6", "Mandate does not exist"),
                ("INS-9", "Request timeout"),
                ("INS-16", "Service is not available"),
            ],
        ),
        Trigger("input_ThirdPartyReference", "9" * 20, "INS-21", "Invalid Use Case"),
    ),
)
