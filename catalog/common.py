"""Building blocks shared by the catalogue entries: result codes and common parameters.

Descriptions are verbatim from the reference (§8.1). Codes the reference leaves without
a number (the "Service is not available" trigger) use INS-16 503, the closest match in
§8.2; docs/gateway.md records that choice.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from catalog.types import CallbackField, Param, ResponseField, ResultCode

DESCRIPTIONS: dict[str, str] = {
    "INS-0": "Request processed successfully",
    "INS-1": "Internal Error",
    "INS-2": "Invalid API Key",
    "INS-6": "Transaction Failed",
    "INS-9": "Request timeout",
    "INS-10": "Duplicate Transaction",
    "INS-13": "Invalid Shortcode Used",
    "INS-15": "Invalid Amount Used",
    "INS-16": "Unable to handle the request due to a temporary overloading",
    "INS-17": "Invalid Transaction Reference. Length Should Be Between 1 and 20.",
    "INS-18": "Invalid TransactionID Used",
    "INS-19": "Invalid ThirdPartyReference Used",
    "INS-20": "Not All Parameters Provided. Please try again.",
    "INS-21": "Parameter validations failed. Please try again.",
    "INS-23": "Transaction not found. Contact M-Pesa Support",
    "INS-26": "Invalid Currency Used",
    "INS-28": "Invalid ThirdPartyConversationID Used",
    "INS-30": "Invalid Purchased Items Description Used",
    "INS-31": "Invalid Payment Items Description Used",
    "INS-32": "Invalid KYC Query Type Used",
    "INS-35": "This transaction do not belong to you",
    "INS-36": "Invalid Agreed TC Used",
    "INS-39": "Invalid First Payment Date Used",
    "INS-40": "Invalid Frequency Used",
    "INS-41": "Invalid Start Range Days Used",
    "INS-42": "Invalid End Range Days Used",
    "INS-43": "Invalid Expiry Date Used",
    "INS-50": "MSISDN Token and MSISDN provided does not Match",
    "INS-51": "Invalid MandateID Used",
    "INS-52": "The MandateID used does not correspond to the ThirdPartyReference used.",
    "INS-54": "Invalid BalanceAmount Used",
    "INS-55": "BalanceAmount is Mandatory when QueryBalanceAmount is True",
    "INS-56": "Invalid MSISDNToken Used",
    "INS-57": "Either MSISDN or MSISDNToken required",
    "INS-58": "No Active Mandate found",
    "INS-989": "Session Creation Failed",
    "INS-990": "Customer Transaction Value Limit Breached",
    "INS-991": "Customer Transaction Count Limit Breached",
    "INS-992": "Multiple Limits Breached",
    "INS-993": "Organization Transaction Count Limit Breached",
    "INS-994": "Organization Transaction Value Limit Breached",
    "INS-995": "API Single Transaction Limit Breached",
    "INS-996": "API Being Used Outside Of Usage Time",
    "INS-997": "API Not Enabled",
    "INS-998": "Invalid Market",
    "INS-2006": "Insufficient balance",
    "INS-2051": "MSISDN invalid.",
}

# Gateway-level answers that do not depend on the API (docs/gateway.md, reference §13.1).
UNAUTHORIZED = ResultCode("INS-2", DESCRIPTIONS["INS-2"], 401)
SESSION_CREATION_FAILED = ResultCode("INS-989", DESCRIPTIONS["INS-989"], 400)
RATE_LIMITED = ResultCode("INS-16", DESCRIPTIONS["INS-16"], 429)
NOT_FOUND = ResultCode("INS-997", "API Not Enabled: no such API", 404)
API_NOT_IN_MARKET = ResultCode("INS-997", DESCRIPTIONS["INS-997"], 400)
INTERNAL_ERROR = ResultCode("INS-1", DESCRIPTIONS["INS-1"], 500)
METHOD_NOT_ALLOWED = ResultCode("INS-21", "Method not allowed for this API.", 405)
MALFORMED_JSON = ResultCode("INS-21", "Malformed JSON body. Please try again.", 400)
INVALID_MARKET = ResultCode("INS-998", DESCRIPTIONS["INS-998"], 400)

# Refusals that come from the caller's application settings rather than from the API
# (docs/gateway.md, "Applications"). Every API lists them, so the documentation tables
# show them and the gateway logs them like any other answer.
# Trusted sources: the reference documents no code (§13.2). INS-2 would read as a bad key
# and INS-26 means "Invalid Currency Used" in §8.1 ("Not authorized" only in §8.2's
# Mozambique table), so the sandbox names its own, with HTTP 403 Forbidden.
SOURCE_NOT_TRUSTED = ResultCode("INS-999", "Request Source Not Trusted", 403)
# Strict mode: the wrong kind of bearer (an API key where production needs a session, or
# a session of another market) is refused as production refuses any bearer it does not
# accept, 401 INS-2, with a description that says why.
STRICT_SESSION_REQUIRED = "Invalid API Key: strict mode requires a session bearer"
STRICT_SESSION_MARKET = "Invalid API Key: the session was issued for another market"
STRICT_JSON_REQUIRED = (
    "Parameter validations failed: strict mode requires a JSON body "
    "with Content-Type application/json"
)
ACCESS_CODES = (SOURCE_NOT_TRUSTED, UNAUTHORIZED)


def rc(code: str, http_status: int, description: str | None = None) -> ResultCode:
    return ResultCode(code, description or DESCRIPTIONS[code], http_status)


def codes(success_status: int, *spec: tuple[int, str]) -> tuple[ResultCode, ...]:
    """`codes(201, (400, "INS-1 INS-13"), (401, "INS-6"))` -> ResultCodes, INS-0 first."""
    out = [rc("INS-0", success_status)]
    for status, names in spec:
        out.extend(rc(name, status) for name in names.split())
    return tuple(out)


LIMIT_CODES = "INS-990 INS-991 INS-992 INS-993 INS-994 INS-995 INS-996 INS-997 INS-998"
# Sandbox-only outcome of the "Service is not available" triggers (§9, §13).
SERVICE_UNAVAILABLE = (503, "INS-16")

# --- Regexes verbatim from S1 (§5) --------------------------------------------------

AMOUNT_RE = r"^\d*\.?\d+$"
MSISDN_RE = r"^[0-9]{12,14}$"
CURRENCY_RE = r"^[a-zA-Z]{1,3}$"
SHORTCODE_RE = r"^([0-9A-Za-z]{4,12})$"
REFERENCE_RE = r"^[0-9a-zA-Z \w+]{1,20}$"
TPCID_RE = r"^[0-9a-zA-Z \w+]{1,40}$"
DESCRIPTION_RE = r"^[0-9a-zA-Z \w+]{1,256}$"
TP_REFERENCE_RE = r"^[0-9a-zA-Z]{1,32}$"
MANDATE_ID_RE = r"^[0-9]{1,12}$"
MSISDN_TOKEN_RE = r"^[0-9a-zA-Z \w=]{1,26}$"  # noqa: S105 (a regex, not a secret)

# --- Parameters shared by several APIs ---------------------------------------------


def amount(name: str = "input_Amount", *, required: bool = True, description: str = "") -> Param:
    return Param(
        name,
        description or gettext_noop("The transaction amount, in the market's currency."),
        "10.00",
        required=required,
        type="decimal string",
        regex=AMOUNT_RE,
        error_code="INS-15",
    )


def customer_msisdn(description: str, *, required: bool = True) -> Param:
    """`description` ends with the format ("12 to 14 digits, with the country code."):
    whole sentences, so each is one entry of the translation catalogue."""
    return Param(
        "input_CustomerMSISDN",
        description,
        "000000000001",
        required=required,
        regex=MSISDN_RE,
        error_code="INS-2051",
    )


COUNTRY = Param(
    "input_Country",
    gettext_noop(
        "The market's country code (GHA, TZN, LES, DRC or MOZ): it must be the market of the URL."
    ),
    "GHA",
    check="country",
    error_code="INS-998",
)
CURRENCY = Param(
    "input_Currency",
    gettext_noop("The market's currency (GHS, TZS, LSL, USD or MZN)."),
    "GHS",
    regex=CURRENCY_RE,
    check="currency",
    error_code="INS-26",
)
SERVICE_PROVIDER_CODE = Param(
    "input_ServiceProviderCode",
    gettext_noop("The shortcode of the business: 4 to 12 letters or digits."),
    "000000",
    regex=SHORTCODE_RE,
    error_code="INS-13",
)
TRANSACTION_REFERENCE = Param(
    "input_TransactionReference",
    gettext_noop("The business's own reference for the transaction: 1 to 20 characters."),
    "T12344C",
    regex=REFERENCE_RE,
    error_code="INS-17",
    fresh=True,
)
THIRD_PARTY_CONVERSATION_ID = Param(
    "input_ThirdPartyConversationID",
    gettext_noop("The business's unique identifier of this request: 1 to 40 characters."),
    "1e9b774d1da34af78412a498cbc28f5e",
    regex=TPCID_RE,
    error_code="INS-28",
    fresh=True,
)
PURCHASED_ITEMS_DESC = Param(
    "input_PurchasedItemsDesc",
    gettext_noop(
        "What is being paid for: 1 to 256 letters, digits, spaces, underscores or pluses."
    ),
    "Shoes",
    regex=DESCRIPTION_RE,
    error_code="INS-30",
)
THIRD_PARTY_REFERENCE_DD = Param(
    "input_ThirdPartyReference",
    gettext_noop("The business's reference of the mandate: 1 to 32 letters or digits."),
    "Test123",
    regex=TP_REFERENCE_RE,
    error_code="INS-19",
    fresh=True,
)
MANDATE_ID = Param(
    "input_MandateID",
    gettext_noop("The mandate's identifier, returned by Direct Debit Create: 1 to 12 digits."),
    "",
    required=False,
    regex=MANDATE_ID_RE,
    error_code="INS-51",
)
MSISDN_TOKEN = Param(
    "input_MsisdnToken",
    gettext_noop("The customer's token returned by Direct Debit Create, instead of the MSISDN."),
    "",
    required=False,
    regex=MSISDN_TOKEN_RE,
    error_code="INS-21",
)

# --- Response and callback fields shared by several APIs ---------------------------

RESPONSE_CODE = ResponseField(
    "output_ResponseCode",
    gettext_noop("The result code (see the table of codes)."),
    "INS-0",
    in_async_ack=True,
)
RESPONSE_DESC = ResponseField(
    "output_ResponseDesc",
    gettext_noop("The result's description."),
    "Request processed successfully",
    in_async_ack=True,
)
CONVERSATION_ID = ResponseField(
    "output_ConversationID",
    gettext_noop("The gateway's identifier of this request (32 hex characters)."),
    "08536a5d65ea4f50866db06f577cc5c1",
    in_async_ack=True,
)
TPCID_ECHO = ResponseField(
    "output_ThirdPartyConversationID",
    gettext_noop("Your input_ThirdPartyConversationID, echoed."),
    "1e9b774d1da34af78412a498cbc28f5e",
    in_async_ack=True,
)
TRANSACTION_ID = ResponseField(
    "output_TransactionID",
    gettext_noop("The M-Pesa transaction identifier (12 letters or digits); N/A on a duplicate."),
    "G27DEn1DLoQ3",
)
PAYMENT_RESPONSE = (RESPONSE_CODE, RESPONSE_DESC, TRANSACTION_ID, CONVERSATION_ID, TPCID_ECHO)

ORIGINAL_CONVERSATION_ID_CB = CallbackField(
    "input_OriginalConversationID", gettext_noop("The output_ConversationID of the request."), ""
)
TRANSACTION_ID_CB = CallbackField(
    "input_TransactionID", gettext_noop("The M-Pesa transaction identifier.")
)
RESULT_CODE_CB = CallbackField("input_ResultCode", gettext_noop("The result code."), "INS-0")
RESULT_DESC_CB = CallbackField(
    "input_ResultDesc", gettext_noop("The result's description."), "Request processed successfully"
)
TPCID_CB = CallbackField(
    "input_ThirdPartyConversationID", gettext_noop("Your input_ThirdPartyConversationID, echoed.")
)
PAYMENT_CALLBACK = (
    ORIGINAL_CONVERSATION_ID_CB,
    TRANSACTION_ID_CB,
    RESULT_CODE_CB,
    RESULT_DESC_CB,
    TPCID_CB,
)
