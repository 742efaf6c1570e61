"""The request log (/requests/) and a call's permalink page (/requests/<public_id>/)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Application
from callbacks.models import CallbackDelivery, DeliveryAttempt
from catalog import get_api
from sandbox.models import ApiCall
from tests.factories import ApiCallFactory, ApiKeyFactory
from tests.sandbox.helpers import GATEWAY_PREFIX, Wire

LOG = reverse("dashboard:request-log")


def detail(call) -> str:
    return reverse("dashboard:request-detail", args=[call.public_id])


def _call(developer, **fields) -> ApiCall:
    return ApiCallFactory(api_key=developer.api_key, **fields)


@pytest.fixture
def wire(developer):
    return Wire(developer, "vodafoneGHA")


def test_lists_own_calls_newest_first(developer_client, developer, other_developer):
    now = datetime.now(tz=ZoneInfo("UTC"))
    old = _call(developer, created_at=now - timedelta(hours=2))
    new = _call(developer, created_at=now)
    theirs = ApiCallFactory(api_key=other_developer.api_key)
    response = developer_client.get(LOG)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(detail(new)) < html.index(detail(old))
    assert detail(theirs) not in html


@pytest.mark.parametrize(
    "field,value",
    [
        ("transaction_id", "TXFIND00001"),
        ("conversation_id", "conv-find-0001"),
        ("third_party_conversation_id", "tpcid-find-1"),
        ("msisdn", "000000009999"),
    ],
)
def test_search_by_id_finds_exactly_that_call(developer_client, developer, field, value):
    wanted = _call(developer, **{field: value})
    other = _call(developer)
    html = developer_client.get(LOG, {"q": value}).content.decode()
    assert detail(wanted) in html
    assert detail(other) not in html


def test_search_by_reference(developer_client, developer):
    wanted = _call(developer, request_body={"input_TransactionReference": "REF777"})
    mandate = _call(developer, request_body={"input_ThirdPartyReference": "MANDATE9"})
    other = _call(developer, request_body={"input_TransactionReference": "REF778"})
    html = developer_client.get(LOG, {"q": "REF777"}).content.decode()
    assert detail(wanted) in html and detail(other) not in html
    assert detail(mandate) in developer_client.get(LOG, {"q": "MANDATE9"}).content.decode()


def test_search_never_finds_another_developers_call(developer_client, other_developer):
    theirs = ApiCallFactory(api_key=other_developer.api_key, transaction_id="THEIRS00001")
    assert detail(theirs) not in developer_client.get(LOG, {"q": "THEIRS00001"}).content.decode()


def test_filters(developer_client, developer):
    failed = _call(developer, result_code="INS-10", http_status=409, is_success=False)
    async_call = _call(developer, is_async=True, market="vodacomTZN", operation="b2cPayment")
    plain = _call(developer)
    cases = [
        ({"result_code": "ins-10"}, failed),
        ({"http_status": "409"}, failed),
        ({"mode": "async"}, async_call),
        ({"market": "vodacomTZN"}, async_call),
        ({"api": "b2cPayment"}, async_call),
    ]
    for params, wanted in cases:
        html = developer_client.get(LOG, params).content.decode()
        assert detail(wanted) in html, params
        assert detail(plain) not in html, params


def test_filter_by_application_or_key(developer_client, developer):
    mine = _call(developer)
    shop = Application.objects.create(user=developer, name="Shop")
    second_key = ApiKeyFactory(user=developer, application=shop)
    other_key_call = ApiCallFactory(api_key=second_key)
    html = developer_client.get(LOG, {"source": f"key:{second_key.public_id}"}).content.decode()
    assert detail(other_key_call) in html and detail(mine) not in html
    app = developer.api_key.application
    html = developer_client.get(LOG, {"source": f"app:{app.public_id}"}).content.decode()
    assert detail(mine) in html and detail(other_key_call) not in html


def test_date_range_is_in_the_developers_timezone(developer_client, developer):
    developer.timezone = "Africa/Nairobi"  # UTC+3
    developer.save(update_fields=["timezone"])
    # 22:30 UTC on 1 March is 01:30 on 2 March in Nairobi.
    late = _call(developer, created_at=datetime(2026, 3, 1, 22, 30, tzinfo=ZoneInfo("UTC")))
    html = developer_client.get(LOG, {"date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert detail(late) in html.content.decode()
    html = developer_client.get(LOG, {"date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert detail(late) not in html.content.decode()


@pytest.mark.parametrize(
    "params", [{"date_from": "9999-12-31"}, {"http_status": "abc"}, {"result_code": "<x>"}]
)
def test_invalid_filter_is_a_form_error(developer_client, developer, params):
    call = _call(developer)
    response = developer_client.get(LOG, params)
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert detail(call) not in response.content.decode()


def test_pages_by_keyset(developer_client, developer, monkeypatch):
    monkeypatch.setattr("dashboard.requestlog.PAGE_SIZE", 2)
    now = datetime.now(tz=ZoneInfo("UTC"))
    calls = [_call(developer, created_at=now - timedelta(minutes=i)) for i in range(3)]
    first = developer_client.get(LOG).content.decode()
    assert detail(calls[0]) in first and detail(calls[2]) not in first
    assert f"after={calls[1].public_id}" in first
    second = developer_client.get(LOG, {"after": str(calls[1].public_id)}).content.decode()
    assert detail(calls[2]) in second and detail(calls[0]) not in second


def test_anonymous_is_sent_to_sign_in(anonymous_client, db):
    assert anonymous_client.get(LOG).status_code == 302
    call = ApiCallFactory()
    assert anonymous_client.get(detail(call)).status_code == 302


def test_wrong_method(developer_client, developer):
    assert developer_client.post(LOG).status_code == 405
    assert developer_client.post(detail(_call(developer))).status_code == 405


def test_detail_of_another_developers_call_is_404(developer_client, other_developer):
    theirs = ApiCallFactory(api_key=other_developer.api_key)
    assert developer_client.get(detail(theirs)).status_code == 404
    missing = reverse("dashboard:request-detail", args=[uuid.uuid4()])
    assert developer_client.get(missing).status_code == 404


def test_detail_shows_request_response_curl_and_console_link(developer_client, developer, wire):
    response = wire.call("c2bPayment", wire.sample("c2bPayment", input_Amount="12.50"))
    assert response.status_code == 201
    call = ApiCall.objects.get(user=developer)
    page = developer_client.get(detail(call))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"POST {call.path} HTTP/1.1" in html
    assert f"Bearer …{wire.bearer[-6:]}" in html and f"key …{developer.api_key.last4}" in html
    assert "12.50" in html and call.transaction_id in html
    assert "Bearer $MPESA_BEARER" in html
    assert developer.api_key_plaintext not in html
    assert "/docs/apis/c2bPayment/?market=vodafoneGHA&amp;input_Amount=12.50" in html


def test_lifecycle_links_payment_reversal_queries_and_callbacks(developer_client, developer, wire):
    wire.call("c2bPayment", wire.sample("c2bPayment"))
    payment = ApiCall.objects.get(user=developer, operation="c2bPayment")
    reversal = wire.call(
        "reversal", wire.sample("reversal", input_TransactionID=payment.transaction_id)
    )
    assert reversal.status_code == 201, reversal.content
    query = wire.call(
        "queryTransactionStatus",
        wire.sample("queryTransactionStatus", input_QueryReference=payment.conversation_id),
    )
    assert query.status_code == 200, query.content
    reversal_call = ApiCall.objects.get(user=developer, operation="reversal")
    query_call = ApiCall.objects.get(user=developer, operation="queryTransactionStatus")
    delivery = CallbackDelivery.objects.create(
        user=developer,
        application=developer.api_key.application,
        api_call=payment,
        operation="c2bPayment",
        url="https://example.com/callback",
        max_attempts=3,
        next_attempt_at=payment.created_at,
        attempt_count=1,
        last_error="HTTP 500",
    )
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=1,
        url=delivery.url,
        started_at=payment.created_at,
        http_status=500,
        error="HTTP 500",
    )
    html = developer_client.get(detail(payment)).content.decode()
    assert detail(reversal_call) in html
    assert detail(query_call) in html
    assert f"delivery-{delivery.public_id}" in html and "HTTP 500" in html
    # From the reversal and the query, the payment is one click away.
    assert detail(payment) in developer_client.get(detail(reversal_call)).content.decode()
    assert detail(payment) in developer_client.get(detail(query_call)).content.decode()


def test_more_filters_unfold_when_one_is_in_use(developer_client, developer):
    folded = '<details class="request-filters">'
    assert folded in developer_client.get(LOG).content.decode()
    assert folded in developer_client.get(LOG, {"q": "x", "api": ""}).content.decode()
    for params in ({"api": "reversal"}, {"date_from": "9999-01-01"}):
        html = developer_client.get(LOG, params).content.decode()
        assert '<details class="request-filters" open>' in html, params


def test_detail_shows_request_and_response_headers_without_the_bearer(developer, wire):
    path = f"{GATEWAY_PREFIX}/vodafoneGHA/{get_api('c2bPayment').path}"
    answer = wire.client.post(
        path,
        json.dumps(wire.sample("c2bPayment")),
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {wire.bearer}",
            "Cookie": "sessionid=SESSIONSECRET123",
            "X-Api-Key": "APIKEYSECRET456",
            "User-Agent": "shop-backend/1.0",
        },
    )
    assert answer.status_code == 201, answer.content
    call = ApiCall.objects.get(user=developer)
    # The row: the bearer's last 6 characters, no cookie, credentials by name only.
    assert call.request_headers["Authorization"] == f"Bearer …{wire.bearer[-6:]}"
    assert call.request_headers["Content-Type"] == "application/json"
    assert call.request_headers["User-Agent"] == "shop-backend/1.0"
    assert call.request_headers["X-Api-Key"] == "(not kept)"
    assert "Cookie" not in call.request_headers
    row = json.dumps([call.request_headers, call.response_headers, call.request_body])
    for secret in (wire.bearer[-7:], "SESSIONSECRET123", "APIKEYSECRET456"):
        assert secret not in row
    # The answer's headers, as they came over the wire.
    assert call.response_headers["Content-Type"] == answer["Content-Type"]
    assert call.response_headers["Content-Length"] == answer["Content-Length"]
    assert call.response_headers["Access-Control-Allow-Origin"] == "*"
    assert call.response_headers["X-Request-ID"] == answer["X-Request-ID"]

    client = Client()
    client.force_login(developer)
    html = client.get(detail(call)).content.decode()
    assert f"Authorization: Bearer …{wire.bearer[-6:]}" in html
    assert "Content-Type: application/json" in html
    assert "User-Agent: shop-backend/1.0" in html
    assert f"Content-Length: {answer['Content-Length']}" in html
    assert f"X-Request-ID: {answer['X-Request-ID']}" in html
    assert "Access-Control-Allow-Origin: *" in html
    for secret in (wire.bearer[-7:], "SESSIONSECRET123", "APIKEYSECRET456", "Cookie:"):
        assert secret not in html


def test_detail_of_a_call_logged_before_headers_were_kept(developer_client, developer):
    call = _call(developer, request_headers=None, response_headers=None)
    html = developer_client.get(detail(call)).content.decode()
    assert "Headers not recorded" in html


def test_refused_reversals_are_linked_both_ways(developer_client, developer, wire):
    wire.call("c2bPayment", wire.sample("c2bPayment", input_Amount="10.00"))
    payment = ApiCall.objects.get(user=developer, operation="c2bPayment")
    txid = payment.transaction_id

    def reverse_it(transaction_id, **overrides):
        body = wire.sample("reversal", input_TransactionID=transaction_id, **overrides)
        body.pop("input_ReversalAmount")
        body.update(overrides)
        return wire.call("reversal", body)

    assert reverse_it(txid).status_code == 201  # the full amount
    already = reverse_it(txid)  # nothing left to reverse
    invalid = reverse_it(txid, input_ReversalAmount="-1")  # refused by validation
    unknown = reverse_it("NoSuchTx1234")  # names no payment of this developer
    assert {already.status_code, invalid.status_code, unknown.status_code} <= {400, 404, 409}
    calls = {
        call.response_body["output_ThirdPartyConversationID"]: call
        for call in ApiCall.objects.filter(user=developer, operation="reversal")
    }
    refused = [
        calls[answer.json()["output_ThirdPartyConversationID"]] for answer in (already, invalid)
    ]
    stranger = calls[unknown.json()["output_ThirdPartyConversationID"]]

    html = developer_client.get(detail(payment)).content.decode()
    for call in refused:
        assert not call.is_success
        assert f"Reversal refused: {call.result_code}" in html
        assert detail(call) in html
        # ... and from the refused reversal, the payment is one click away.
        assert detail(payment) in developer_client.get(detail(call)).content.decode()
    assert detail(stranger) not in html
    assert html.count("Reversal refused:") == 2


def test_search_results_page_by_keyset_with_the_other_filters(
    developer_client, developer, monkeypatch
):
    monkeypatch.setattr("dashboard.requestlog.PAGE_SIZE", 2)
    now = datetime.now(tz=ZoneInfo("UTC"))
    msisdn = "000000004242"
    calls = [
        _call(developer, msisdn=msisdn, created_at=now - timedelta(minutes=i)) for i in range(3)
    ]
    other_api = _call(developer, msisdn=msisdn, operation="b2cPayment", created_at=now)
    other_number = _call(developer, created_at=now - timedelta(minutes=1))
    # The key filter joins the key's table: the probes must still order by the call's time.
    query = {"q": msisdn, "api": "c2bPayment", "source": f"key:{developer.api_key.public_id}"}
    first = developer_client.get(LOG, query).content.decode()
    assert detail(calls[0]) in first and detail(calls[1]) in first
    assert detail(calls[2]) not in first and detail(other_api) not in first
    assert f"after={calls[1].public_id}" in first
    second = developer_client.get(LOG, query | {"after": str(calls[1].public_id)})
    html = second.content.decode()
    assert detail(calls[2]) in html
    for shown_before_or_unmatched in (calls[0], calls[1], other_api, other_number):
        assert detail(shown_before_or_unmatched) not in html
    assert "Older calls" in first and "Older calls" not in html
