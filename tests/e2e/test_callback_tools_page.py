"""The callback tools in Chromium: Send test callback appears in the delivery log (real
Celery worker, real receiver), and fault injection is switched on per application."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from callbacks.models import CallbackDelivery
from tests.callbacks.callback_receiver import Receiver
from tests.e2e.test_callbacks_page import sign_in
from tests.factories import set_async_url

pytestmark = pytest.mark.browser


@pytest.mark.celery_worker
def test_send_test_callback_appears_in_the_delivery_log(
    celery_worker, page, live_server, developer, settings, screenshot
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver() as receiver:
        set_async_url(developer, receiver.url)
        sign_in(page, live_server, developer)
        page.goto("/sandbox/callbacks/")
        page.get_by_label("API", exact=True).select_option("b2cPayment")
        page.get_by_label("Result code").select_option("INS-2006")
        page.get_by_role("button", name="Send test callback").click()
        expect(page.get_by_text("Test callback").first).to_be_visible()
        [got] = receiver.wait_for(1)
        assert got.headers["X-Mpesa-Test"] == "1"
        assert got.json["input_ResultCode"] == "INS-2006"
        deadline = time.monotonic() + 20
        while not CallbackDelivery.objects.filter(status="delivered").exists():
            assert time.monotonic() < deadline, "the test callback was not recorded delivered"
            time.sleep(0.1)
    page.goto("/sandbox/callbacks/")
    delivery = CallbackDelivery.objects.get()
    row = page.get_by_role("row").filter(has_text=delivery.conversation_id)
    expect(row.get_by_text("test", exact=True)).to_be_visible()
    expect(row.get_by_text("Delivered")).to_be_visible()
    expect(row.get_by_text("HTTP 200")).to_be_visible()
    screenshot(page, "log-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "log-390")


def test_fault_injection_is_marked_in_the_log(page, live_server, developer, screenshot):
    sign_in(page, live_server, developer)
    page.goto("/sandbox/callbacks/#faults")
    form = page.get_by_role("form", name="Fault injection of Default")
    form.get_by_label("Delay every delivery by (seconds)").fill("30")
    form.get_by_label("Deliver every callback twice").check()
    form.get_by_role("button", name="Save fault injection").click()
    expect(page.get_by_text("Fault injection of Default saved (on).")).to_be_visible()
    form = page.get_by_role("form", name="Fault injection of Default")
    expect(form.get_by_text("faults on")).to_be_visible()
    assert form.get_by_label("Delay every delivery by (seconds)").input_value() == "30"
    screenshot(page, "faults")
