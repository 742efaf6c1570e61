"""C2B, B2C and B2B single-stage payments (reference §5.2 to §5.4, triggers §9)."""

from django.utils.translation import gettext_noop

from catalog.common import (
    COUNTRY,
    CURRENCY,
    DESCRIPTION_RE,
    LIMIT_CODES,
    PAYMENT_CALLBACK,
    PAYMENT_RESPONSE,
    PURCHASED_ITEMS_DESC,
    SERVICE_PROVIDER_CODE,
    SHORTCODE_RE,
    THIRD_PARTY_CONVERSATION_ID,
    TRANSACTION_REFERENCE,
    amount,
    codes,
    customer_msisdn,
)
from catalog.markets import ALL_MARKETS
from catalog.types import Api, Param, Trigger

_PAYMENT_400 = "INS-1 INS-13 INS-15 INS-17 INS-20 INS-21 INS-26 INS-28"


def _msisdn_triggers(outcomes: list[tuple[str, str]]) -> tuple[Trigger, ...]:
    """Triggers on input_CustomerMSISDN 000000000001, ...02, ... in order."""
    return tuple(
        Trigger("input_CustomerMSISDN", f"{n:012d}", code, description)
        for n, (code, description) in enumerate(outcomes, start=1)
    )


C2B_PAYMENT = Api(
    slug="c2bPayment",
    name="C2B Single Stage",
    summary=gettext_noop("Collect a payment from a customer's M-Pesa wallet."),
    description=(
        gettext_noop(
            "The gateway sends the customer a USSD push asking for the M-Pesa PIN, then "
            "debits the customer and credits the business's shortcode."
        )
    ),
    method="POST",
    path="c2bPayment/singleStage/",
    markets=ALL_MARKETS,
    params=(
        amount(),
        customer_msisdn(
            gettext_noop(
                "The customer's phone number, debited. 12 to 14 digits, with the country code."
            )
        ),
        COUNTRY,
        CURRENCY,
        SERVICE_PROVIDER_CODE,
        TRANSACTION_REFERENCE,
        THIRD_PARTY_CONVERSATION_ID,
        PURCHASED_ITEMS_DESC,
    ),
    response_fields=PAYMENT_RESPONSE,
    result_codes=codes(
        201,
        (400, f"{_PAYMENT_400} INS-30 {LIMIT_CODES} INS-2051"),
        (401, "INS-6"),
        (408, "INS-9"),
        (409, "INS-10"),
        (422, "INS-2006"),
        (503, "INS-16"),
    ),
    success_status=201,
    callback_fields=PAYMENT_CALLBACK,
    triggers=_msisdn_triggers(
        [
            ("INS-0", "Success"),
            ("INS-9", "Request timeout"),
            ("INS-9", "USSD Push timeout"),
            ("INS-6", "Transaction Failed [Incorrect PIN]"),
            ("INS-1", "Internal Error"),
            ("INS-6", "Transaction Failed [Incorrect PIN]"),
            ("INS-15", "Invalid Amount Used"),
            ("INS-2006", "Insufficient balance"),
            ("INS-16", "Service is not available"),
        ]
    ),
    is_seed=True,
)

B2C_PAYMENT = Api(
    slug="b2cPayment",
    name="B2C Single Stage",
    summary=gettext_noop("Pay a customer from the business's account."),
    description=gettext_noop(
        "Debits the business's shortcode and credits the customer's M-Pesa wallet."
    ),
    method="POST",
    path="b2cPayment/",
    path_aliases=("b2cPayment/singleStage/",),
    markets=ALL_MARKETS,
    params=(
        amount(),
        customer_msisdn(
            gettext_noop(
                "The customer's phone number, credited. 12 to 14 digits, with the country code."
            )
        ),
        COUNTRY,
        CURRENCY,
        SERVICE_PROVIDER_CODE,
        TRANSACTION_REFERENCE,
        THIRD_PARTY_CONVERSATION_ID,
        Param(
            "input_PaymentItemsDesc",
            gettext_noop(
                "What the payment is for: 1 to 256 letters, digits, spaces, underscores or pluses."
            ),
            "Salary payment",
            regex=DESCRIPTION_RE,
            error_code="INS-31",
        ),
    ),
    response_fields=PAYMENT_RESPONSE,
    result_codes=codes(
        201,
        (400, f"{_PAYMENT_400} INS-31 {LIMIT_CODES} INS-2051"),
        (401, "INS-6"),
        (408, "INS-9"),
        (409, "INS-10"),
        (422, "INS-2006"),
        (503, "INS-16"),
    ),
    success_status=201,
    callback_fields=PAYMENT_CALLBACK,
    triggers=_msisdn_triggers(
        [
            ("INS-0", "Success"),
            ("INS-1", "Internal Error"),
            ("INS-6", "Transaction Failed"),
            ("INS-9", "Request timeout"),
            ("INS-15", "Invalid Amount Used"),
            ("INS-2006", "Insufficient balance"),
            ("INS-16", "Service is not available"),
        ]
    ),
)

B2B_PAYMENT = Api(
    slug="b2bPayment",
    name="B2B Single Stage",
    summary=gettext_noop("Move money from one business to another."),
    description=gettext_noop("Debits the primary party's shortcode and credits the receiver's."),
    method="POST",
    path="b2bPayment/",
    path_aliases=("b2bPayment/singleStage/",),
    markets=ALL_MARKETS,
    params=(
        amount(),
        COUNTRY,
        CURRENCY,
        Param(
            "input_PrimaryPartyCode",
            gettext_noop("The shortcode debited: 4 to 12 letters or digits."),
            "000000",
            regex=SHORTCODE_RE,
            error_code="INS-13",
        ),
        Param(
            "input_ReceiverPartyCode",
            gettext_noop("The shortcode credited: 4 to 12 letters or digits."),
            "000001",
            regex=SHORTCODE_RE,
            error_code="INS-13",
        ),
        THIRD_PARTY_CONVERSATION_ID,
        TRANSACTION_REFERENCE,
        PURCHASED_ITEMS_DESC,
    ),
    response_fields=PAYMENT_RESPONSE,
    result_codes=codes(
        201,
        (400, f"{_PAYMENT_400} INS-30 {LIMIT_CODES}"),
        (401, "INS-6"),
        (408, "INS-9"),
        (409, "INS-10"),
        (422, "INS-2006"),
        (503, "INS-16"),
    ),
    success_status=201,
    callback_fields=PAYMENT_CALLBACK,
    triggers=tuple(
        Trigger("input_ReceiverPartyCode", f"{n:06d}", code, description)
        for n, (code, description) in enumerate(
            [
                ("INS-0", "Success"),
                ("INS-1", "Internal Error"),
                ("INS-6", "Transaction Failed"),
                ("INS-9", "Request timeout"),
                ("INS-15", "Invalid Amount Used"),
                ("INS-2006", "Insufficient balance"),
                ("INS-16", "Service is not available"),
            ],
            start=1,
        )
    ),
)
