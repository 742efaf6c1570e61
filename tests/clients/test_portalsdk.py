"""The official Python library file (PyPI `integration-portal==0.1`, module portalsdk)
against the live gateway, unchanged: only address, port and TLS differ from production.

The flow is the portal's own "Combined" sample: getSession with the API key, then C2B,
Query Transaction Status and Reversal with the session id as the context's api_key.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import pytest
from portalsdk import APIContext, APIMethodType, APIRequest

from accounts import keys
from sandbox.models import ApiCall, Transaction

pytestmark = pytest.mark.django_db(transaction=True)

PREFIX = "/sandbox/ipg/v2/vodafoneGHA"


def context(live_server, api_key: str, method, path: str) -> APIContext:
    url = urlsplit(live_server.url)
    # Fresh dicts: APIContext's defaults are shared mutable dicts (reference §7); the
    # gateway copes with that too (see test_get_session_with_leaked_parameters).
    ctx = APIContext(headers={}, parameters={})
    ctx.api_key = api_key
    ctx.public_key = keys.current_keypair().public_key_b64
    ctx.ssl = False
    ctx.method_type = method
    ctx.address = url.hostname
    ctx.port = url.port
    ctx.path = f"{PREFIX}/{path}"
    ctx.add_header("Origin", "*")
    return ctx


def test_official_sdk_session_then_c2b_qts_reversal(live_server, developer):
    ctx = context(live_server, developer.api_key_plaintext, APIMethodType.GET, "getSession/")
    result = APIRequest(ctx).execute()
    assert result.status_code == 200
    assert result.body["output_ResponseCode"] == "INS-0"
    session_id = result.body["output_SessionID"]

    ctx = context(live_server, session_id, APIMethodType.POST, "c2bPayment/singleStage/")
    tpcid = secrets.token_hex(16)
    for name, value in {
        "input_Amount": "10",
        "input_Country": "GHA",
        "input_Currency": "GHS",
        "input_CustomerMSISDN": "000000000001",
        "input_ServiceProviderCode": "000000",
        "input_ThirdPartyConversationID": tpcid,
        "input_TransactionReference": "T1234C",
        "input_PurchasedItemsDesc": "Shoes",
    }.items():
        ctx.add_parameter(name, value)
    result = APIRequest(ctx).execute()
    assert result.status_code == 201, result.body
    assert result.body["output_ResponseCode"] == "INS-0"
    transaction_id = result.body["output_TransactionID"]
    assert isinstance(result.headers, dict)

    ctx = context(live_server, session_id, APIMethodType.GET, "queryTransactionStatus/")
    ctx.add_parameter("input_QueryReference", transaction_id)
    ctx.add_parameter("input_ServiceProviderCode", "000000")
    ctx.add_parameter("input_ThirdPartyConversationID", secrets.token_hex(16))
    ctx.add_parameter("input_Country", "GHA")
    result = APIRequest(ctx).execute()
    assert result.status_code == 200, result.body
    assert result.body["output_ResponseCode"] == "INS-0"
    assert result.body["output_OriginalTransactionID"] == transaction_id

    ctx = context(live_server, session_id, APIMethodType.PUT, "reversal/")
    ctx.add_parameter("input_ReversalAmount", "10")
    ctx.add_parameter("input_Country", "GHA")
    ctx.add_parameter("input_ServiceProviderCode", "000000")
    ctx.add_parameter("input_ThirdPartyConversationID", secrets.token_hex(16))
    ctx.add_parameter("input_TransactionID", transaction_id)
    result = APIRequest(ctx).execute()
    assert result.status_code == 201, result.body
    assert result.body["output_ResponseCode"] == "INS-0"

    assert Transaction.objects.get(transaction_id=transaction_id).reversed_amount == 10
    assert list(ApiCall.objects.order_by("created_at").values_list("operation", "http_status")) == [
        ("getSession", 200),
        ("c2bPayment", 201),
        ("queryTransactionStatus", 200),
        ("reversal", 201),
    ]


def test_get_session_with_leaked_parameters(live_server, developer):
    """portalsdk's shared default dicts leak a payment's parameters into getSession."""
    ctx = context(live_server, developer.api_key_plaintext, APIMethodType.GET, "getSession/")
    ctx.add_parameter("input_Amount", "10")
    ctx.add_parameter("input_Country", "GHA")
    result = APIRequest(ctx).execute()
    assert result.status_code == 200
    assert result.body["output_ResponseCode"] == "INS-0"


def test_official_sdk_gets_an_envelope_on_errors(live_server, developer):
    ctx = context(live_server, "not-my-key-00000000000000000000", APIMethodType.GET, "getSession/")
    result = APIRequest(ctx).execute()
    # getSession's documented failure (§5.1); transactional calls answer 401 INS-2.
    assert result.status_code == 400
    assert result.body["output_ResponseCode"] == "INS-989"


C2B_PARAMETERS = {
    "input_Amount": "10",
    "input_Country": "GHA",
    "input_Currency": "GHS",
    "input_CustomerMSISDN": "000000000001",
    "input_ServiceProviderCode": "000000",
    "input_TransactionReference": "T1234C",
    "input_PurchasedItemsDesc": "Shoes",
}


def c2b_context(live_server, api_key: str) -> APIContext:
    ctx = context(live_server, api_key, APIMethodType.POST, "c2bPayment/singleStage/")
    for name, value in C2B_PARAMETERS.items():
        ctx.add_parameter(name, value)
    ctx.add_parameter("input_ThirdPartyConversationID", secrets.token_hex(16))
    return ctx


def test_official_sdk_flow_passes_strict_mode_while_an_api_key_bearer_does_not(
    live_server, developer
):
    """Strict mode refuses what production refuses (issue 14): a payment carrying the
    encrypted API key is refused, the SDK's own flow (getSession, then the session id
    as the bearer, JSON bodies) passes."""
    application = developer.api_key.application
    application.strict_mode = True
    application.save(update_fields=["strict_mode"])

    refused = APIRequest(c2b_context(live_server, developer.api_key_plaintext)).execute()

    assert refused.status_code == 401
    assert refused.body["output_ResponseCode"] == "INS-2"

    ctx = context(live_server, developer.api_key_plaintext, APIMethodType.GET, "getSession/")
    session_id = APIRequest(ctx).execute().body["output_SessionID"]
    result = APIRequest(c2b_context(live_server, session_id)).execute()

    assert result.status_code == 201, result.body
    assert result.body["output_ResponseCode"] == "INS-0"
    assert Transaction.objects.get().session.api_key_id == developer.api_key.pk
