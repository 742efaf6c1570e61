"""The Callbacks page in Chromium: a failed attempt explained, filtering, redelivery,
and the signing secret on My Profile."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from playwright.sync_api import expect

from callbacks import outbox, signing
from callbacks.delivery import attempt_delivery
from catalog import get_api
from tests.callbacks.callback_receiver import Receiver, Reply
from tests.factories import set_async_url

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_developer_sees_why_a_callback_failed_and_redelivers_it(
    page, live_server, developer, settings, screenshot, monkeypatch
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_MAX_ATTEMPTS = 1
    queued = []
    # The broker is the outer boundary here; delivery itself is tested with a worker.
    monkeypatch.setattr(outbox, "enqueue_delivery", lambda pk, countdown=None: queued.append(pk))
    with Receiver([Reply(500, '{"error": "listener exploded"}')]) as receiver:
        set_async_url(developer, receiver.url)
        result = {
            "output_ResponseCode": "INS-0",
            "output_ResponseDesc": "Request processed successfully",
            "output_TransactionID": "G27DEn1DLoQ3",
            "output_ConversationID": "08536a5d65ea4f50866db06f577cc5c1",
            "output_ThirdPartyConversationID": "asv02e5958774f7ba228d83d0d689761",
        }
        with transaction.atomic():
            outbox.defer_result(user=developer, api=get_api("c2bPayment"), result=result)
        delivery = developer.callback_deliveries.get()
        assert attempt_delivery(delivery.pk) == "failed"

    sign_in(page, live_server, developer)
    page.goto("/sandbox/callbacks/")
    expect(page.get_by_role("heading", name="Callbacks", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="08536a5d65ea4f50866db06f577cc5c1")
    expect(row.get_by_text("Failed")).to_be_visible()
    expect(row.get_by_text("HTTP 500")).to_be_visible()
    screenshot(page, "list")

    page.get_by_label("Status").select_option("delivered")
    page.get_by_role("button", name="Filter callbacks").click()
    expect(page.get_by_text("No callbacks match these filters.")).to_be_visible()
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Filter callbacks").click()
    page.get_by_role("link", name="Details").first.click()

    expect(page.get_by_role("heading", name="Attempts")).to_be_visible()
    expect(page.get_by_text("listener exploded")).to_be_visible()
    screenshot(page, "detail")
    queued.clear()  # the enqueue after the call's commit
    page.get_by_role("button", name="Redeliver this callback").click()
    expect(page.get_by_text("Redelivery queued")).to_be_visible()
    assert queued == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.status == "pending"

    page.goto("/profile/integration/#callbacks")
    panel = page.locator("#callbacks")
    panel.get_by_text("Show signing secret").click()
    secret = signing.get_signing_secret(developer).secret
    assert page.get_by_label("Callback signing secret").input_value() == secret
    screenshot(panel, "profile-panel")
    page.get_by_role("button", name="Rotate signing secret").click()
    expect(page.get_by_text("New callback signing secret created")).to_be_visible()
    assert page.url.endswith("/profile/integration/#callbacks")  # back on its tab
    assert signing.get_signing_secret(developer).secret != secret
