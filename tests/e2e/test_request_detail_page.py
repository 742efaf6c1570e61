"""A call's page in a browser: its headers and a refused reversal, on a phone and a desktop."""

from __future__ import annotations

from django.test import Client
from playwright.sync_api import expect

from sandbox.models import ApiCall
from tests.e2e.test_page_sweeps import OVERFLOW_JS, _axe
from tests.sandbox.helpers import Wire


def test_payment_page_shows_headers_and_a_refused_reversal(
    _browser, live_server, transactional_db, developer, screenshot
):
    wire = Wire(developer, "vodafoneGHA")
    assert wire.call("c2bPayment", wire.sample("c2bPayment")).status_code == 201
    payment = ApiCall.objects.get(user=developer, operation="c2bPayment")
    body = wire.sample("reversal", input_TransactionID=payment.transaction_id)
    body["input_ReversalAmount"] = "-1"
    assert wire.call("reversal", body).status_code == 400
    refused = ApiCall.objects.get(user=developer, operation="reversal")

    client = Client()
    client.force_login(developer)
    # bypass_csp: axe-core is added to the page as an inline script (as the page sweeps do).
    context = _browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        for width, height in ((390, 844), (1280, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"/requests/{payment.public_id}/")
            request_lines = page.locator("#call-request-line").inner_text()
            assert f"Authorization: Bearer …{wire.bearer[-6:]}" in request_lines
            response_lines = page.locator("#call-response-line").inner_text()
            assert "Content-Type: application/json" in response_lines
            expect(page.get_by_text(f"Reversal refused: {refused.result_code}")).to_be_visible()
            assert page.evaluate(OVERFLOW_JS) <= 0, f"wider than the {width} px window"
            assert _axe(page, []) == [], "axe found serious or critical violations"
            screenshot(page, f"payment-{width}")
        page.locator(f'#lifecycle a[href="/requests/{refused.public_id}/"]').click()
        page.wait_for_url(f"**/requests/{refused.public_id}/")
        expect(page.locator(f'#lifecycle a[href="/requests/{payment.public_id}/"]')).to_be_visible()
        screenshot(page, "refused-reversal-1280")
    finally:
        context.close()
