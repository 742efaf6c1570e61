"""Query Beneficiary Name (reference §5.9): Ghana only."""

from django.utils.translation import gettext_noop

from catalog.common import (
    CONVERSATION_ID,
    COUNTRY,
    ORIGINAL_CONVERSATION_ID_CB,
    RESPONSE_CODE,
    RESPONSE_DESC,
    RESULT_CODE_CB,
    RESULT_DESC_CB,
    SERVICE_PROVIDER_CODE,
    THIRD_PARTY_CONVERSATION_ID,
    TPCID_CB,
    TPCID_ECHO,
    codes,
    customer_msisdn,
)
from catalog.types import Api, CallbackField, Param, ResponseField

QUERY_BENEFICIARY_NAME = Api(
    slug="queryBeneficiaryName",
    name="Query Beneficiary Name",
    summary=gettext_noop("Look up the registered name of an M-Pesa customer."),
    description=gettext_noop("Returns the first and last name registered for a customer's MSISDN."),
    method="GET",
    path="queryBeneficiaryName/",
    markets=("vodafoneGHA",),
    params=(
        customer_msisdn(
            gettext_noop("The customer's phone number. 12 to 14 digits, with the country code.")
        ),
        COUNTRY,
        SERVICE_PROVIDER_CODE,
        THIRD_PARTY_CONVERSATION_ID,
        Param(
            "input_KycQueryType",
            gettext_noop("What to look up: Name."),
            "Name",
            regex=r"^(Name)$",
            possible_values=("Name",),
            error_code="INS-32",
            # The reference's own sample spells it KYC (§5.9): both are accepted.
            aliases=("input_KYCQueryType",),
        ),
    ),
    response_fields=(
        RESPONSE_CODE,
        RESPONSE_DESC,
        ResponseField(
            "output_CustomerFirstName",
            gettext_noop("The customer's first name."),
            "Jiazhen",
            on_success_only=True,
        ),
        ResponseField(
            "output_CustomerLastName",
            gettext_noop("The customer's last name."),
            "Wuu",
            on_success_only=True,
        ),
        CONVERSATION_ID,
        TPCID_ECHO,
    ),
    result_codes=codes(
        200,
        (400, "INS-1 INS-13 INS-20 INS-2051 INS-21 INS-28 INS-32 INS-996 INS-997 INS-998"),
        (401, "INS-6"),
        (408, "INS-9"),
    ),
    success_status=200,
    callback_fields=(
        ORIGINAL_CONVERSATION_ID_CB,
        CallbackField("input_CustomerFirstName", gettext_noop("The customer's first name.")),
        CallbackField("input_CustomerLastName", gettext_noop("The customer's last name.")),
        RESULT_CODE_CB,
        RESULT_DESC_CB,
        TPCID_CB,
    ),
)
