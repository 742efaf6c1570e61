"""The request log in Chromium: a search by TransactionID finds the call, and its page
links the payment, its reversal, the status query that found it and its callback."""

from __future__ import annotations

import pytest
import requests
from django.test import Client
from playwright.sync_api import expect

from callbacks import outbox
from callbacks.delivery import attempt_delivery
from catalog import get_api, get_market
from sandbox.models import ApiCall, Transaction
from tests.callbacks.callback_receiver import Receiver
from tests.factories import set_async_url
from tests.sandbox.helpers import GATEWAY_PREFIX, bearer_for

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _call(live_server, developer, slug: str, **overrides) -> requests.Response:
    api, market = get_api(slug), get_market("vodafoneGHA")
    body = {**api.sample_request(market), **overrides}
    url = f"{live_server.url}{GATEWAY_PREFIX}/{market.slug}/{api.path}"
    headers = {"Authorization": f"Bearer {bearer_for(developer.api_key_plaintext)}"}
    if api.method == "GET":
        return requests.get(url, params=body, headers=headers, timeout=30)
    return requests.request(api.method, url, json=body, headers=headers, timeout=30)


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_search_by_transaction_id_and_the_lifecycle_page(
    page, live_server, developer, settings, monkeypatch, screenshot, width, height
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    queued: list[int] = []
    # The broker is the outer boundary; the delivery itself goes to a real receiver.
    monkeypatch.setattr(outbox, "enqueue_delivery", lambda pk, countdown=None: queued.append(pk))
    page.set_viewport_size({"width": width, "height": height})
    with Receiver() as receiver:
        set_async_url(developer, receiver.url)
        assert _call(live_server, developer, "c2bPayment").status_code == 201
        for pk in queued:
            assert attempt_delivery(pk) == "delivered"
        receiver.wait_for(1)
        payment = ApiCall.objects.get(user=developer, operation="c2bPayment")
        # Asynchronous: the TransactionID came in the callback, not in the answer.
        transaction_id = Transaction.objects.get(conversation_id=payment.conversation_id)
        transaction_id = transaction_id.transaction_id
        assert receiver.received[0].json["input_TransactionID"] == transaction_id
    set_async_url(developer, "")
    assert (
        _call(live_server, developer, "reversal", input_TransactionID=transaction_id).status_code
        == 201
    )
    query = _call(
        live_server, developer, "queryTransactionStatus", input_QueryReference=transaction_id
    )
    assert query.status_code == 200

    _sign_in(page, live_server, developer)
    page.goto("/")
    menu = page.get_by_text("Menu", exact=True)
    if menu.is_visible():  # on a phone the navigation is folded into "Menu"
        menu.click()
    page.get_by_role("link", name="Request log").click()
    expect(page.get_by_role("heading", name="Request log", level=1)).to_be_visible()
    page.get_by_label("Search by ID").fill(transaction_id)
    page.get_by_role("button", name="Search calls").click()
    rows = page.locator("#request-log-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("C2B")
    screenshot(page, f"search-{width}")
    wide = page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right
        > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0, wide

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("INS-0")
    expect(page.locator("#call-curl")).to_contain_text("Bearer $MPESA_BEARER")
    life = page.locator("#lifecycle")
    reversal_call = ApiCall.objects.get(user=developer, operation="reversal")
    query_call = ApiCall.objects.get(user=developer, operation="queryTransactionStatus")
    expect(life.locator(f'a[href="/requests/{reversal_call.public_id}/"]')).to_be_visible()
    expect(life.locator(f'a[href="/requests/{query_call.public_id}/"]')).to_be_visible()
    delivery = payment.callback_deliveries.get()
    expect(life.locator(f"#delivery-{delivery.public_id}")).to_contain_text("Delivered")
    expect(life.locator(f"#delivery-{delivery.public_id} tbody tr")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    screenshot(page, f"detail-{width}")

    # The reversal's page leads back to the payment.
    life.locator(f'a[href="/requests/{reversal_call.public_id}/"]').click()
    expect(page.locator("#lifecycle")).to_contain_text("Payment")
    page.locator(f'#lifecycle a[href="/requests/{payment.public_id}/"]').click()
    expect(page).to_have_url(f"{live_server.url}/requests/{payment.public_id}/")

    # Open in console: the docs page's popup with the call's parameters and fresh IDs.
    page.get_by_role("link", name="Open in console").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    body = page.get_by_label("Body (JSON").input_value()
    assert payment.request_body["input_Amount"] in body
    assert payment.third_party_conversation_id not in body
