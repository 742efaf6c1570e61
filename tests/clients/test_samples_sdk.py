"""The Python library file (sdk/python) against the live test server: getSession, then
C2B, Query Transaction Status and Reversal with the session as bearer."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from accounts import keys

sys.path.insert(0, str(Path(settings.BASE_DIR) / "sdk" / "python" / "src"))
from mpesa_portal_sdk import APIContext, APIMethodType, APIRequest  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


def _context(live_server, api_key: str, method: APIMethodType, path: str) -> APIContext:
    url = urlsplit(live_server.url)
    context = APIContext(
        api_key=api_key,
        public_key=keys.current_keypair().public_key_b64,
        ssl=False,
        method_type=method,
        address=url.hostname,
        port=url.port,
        path=f"/sandbox/ipg/v2/vodafoneGHA/{path}",
        timeout=30,
    )
    context.add_header("Origin", "*")
    return context


def test_sdk_session_c2b_status_and_reversal(live_server, developer):
    session = APIRequest(
        _context(live_server, developer.api_key_plaintext, APIMethodType.GET, "getSession/")
    ).execute()
    assert session.status_code == 200, session.text
    assert session.body["output_ResponseCode"] == "INS-0"
    session_id = session.body["output_SessionID"]

    c2b = _context(live_server, session_id, APIMethodType.POST, "c2bPayment/singleStage/")
    tpcid = uuid.uuid4().hex
    for name, value in {
        "input_Amount": "25.50",
        "input_CustomerMSISDN": "000000000001",
        "input_Country": "GHA",
        "input_Currency": "GHS",
        "input_ServiceProviderCode": "000000",
        "input_TransactionReference": uuid.uuid4().hex[:20],
        "input_ThirdPartyConversationID": tpcid,
        "input_PurchasedItemsDesc": "Shoes",
    }.items():
        c2b.add_parameter(name, value)
    paid = APIRequest(c2b).execute()
    assert paid.status_code == 201, paid.text
    assert paid.body["output_ResponseCode"] == "INS-0"
    assert paid.body["output_ThirdPartyConversationID"] == tpcid
    transaction_id = paid.body["output_TransactionID"]

    def status() -> dict:
        query = _context(live_server, session_id, APIMethodType.GET, "queryTransactionStatus/")
        query.add_parameter("input_QueryReference", transaction_id)
        query.add_parameter("input_Country", "GHA")
        query.add_parameter("input_ServiceProviderCode", "000000")
        query.add_parameter("input_ThirdPartyConversationID", uuid.uuid4().hex)
        response = APIRequest(query).execute()
        assert response.status_code == 200, response.text
        return response.body

    before = status()
    assert before["output_ResponseCode"] == "INS-0"
    assert before["output_Reversed"] == "False"

    reversal = _context(live_server, session_id, APIMethodType.PUT, "reversal/")
    reversal.add_parameter("input_TransactionID", transaction_id)
    reversal.add_parameter("input_Country", "GHA")
    reversal.add_parameter("input_ServiceProviderCode", "000000")
    reversal.add_parameter("input_ThirdPartyConversationID", uuid.uuid4().hex)
    reversed_ = APIRequest(reversal).execute()
    assert reversed_.status_code == 201, reversed_.text
    assert reversed_.body["output_ResponseCode"] == "INS-0"

    assert status()["output_Reversed"] == "True"


def test_sdk_with_an_unknown_api_key_is_refused(live_server, developer):
    response = APIRequest(
        _context(live_server, "x" * 32, APIMethodType.GET, "getSession/")
    ).execute()
    assert response.status_code in (400, 401)
    assert response.body["output_ResponseCode"] != "INS-0"
