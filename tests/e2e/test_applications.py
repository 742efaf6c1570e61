"""Applications in a real browser: a developer creates an application, restricts it (a
single-transaction limit, Reversal disabled, a trusted source that excludes 127.0.0.1)
and rolls its key with a 24-hour overlap. After each change, real HTTP calls with the
application's key show the gateway enforcing it: 400 INS-995, 400 INS-997 and the
trusted-source refusal 403 INS-999 (docs/gateway.md, "Applications")."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests
from django.test import Client
from playwright.sync_api import expect

from accounts.models import ApiKey, Application
from catalog import get_api, get_market
from tests.sandbox.helpers import GATEWAY_PREFIX, bearer_for

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def gateway_call(live_server, plaintext: str, slug: str, **overrides) -> tuple[int, str]:
    """One real HTTP call of the gateway with the key's bearer: (status, result code)."""
    api, market = get_api(slug), get_market("vodafoneGHA")
    body = {**api.sample_request(market), **overrides}
    response = requests.request(
        api.method,
        f"{live_server.url}{GATEWAY_PREFIX}/{market.slug}/{api.path}",
        data=json.dumps(body),
        headers={
            "Authorization": f"Bearer {bearer_for(plaintext)}",
            "Content-Type": "application/json",
            "Origin": "*",
        },
        timeout=30,
    )
    return response.status_code, response.json()["output_ResponseCode"]


def test_developer_creates_and_restricts_an_application(page, live_server, developer, screenshot):
    sign_in(page, live_server, developer)
    page.goto("/profile/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    expect(page.get_by_role("heading", name="Applications", level=1)).to_be_visible()
    page.get_by_role("link", name="New application").click()
    page.get_by_label("Name").fill("Payout service")
    page.get_by_label("Version").fill("2.0")
    page.get_by_role("button", name="Create application").click()

    expect(page.get_by_role("heading", name="Payout service", level=1)).to_be_visible()
    application = Application.objects.get(user=developer, name="Payout service")
    key = ApiKey.objects.get(application=application)
    # Shown once, right after creation.
    expect(page.locator("#api-key-value")).to_have_text(key.plaintext)

    assert gateway_call(live_server, key.plaintext, "c2bPayment", input_Amount="150") == (
        201,
        "INS-0",
    )
    page.get_by_label("Single transaction value").fill("100")
    page.get_by_label("Reversal", exact=True).uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The application's settings were saved.")).to_be_visible()
    # The gateway applies them on the very next call.
    assert gateway_call(live_server, key.plaintext, "c2bPayment", input_Amount="150") == (
        400,
        "INS-995",
    )
    assert gateway_call(live_server, key.plaintext, "c2bPayment", input_Amount="99")[1] == "INS-0"
    assert gateway_call(live_server, key.plaintext, "reversal") == (400, "INS-997")

    page.get_by_label("Trusted sources").fill("203.0.113.0/24")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The application's settings were saved.")).to_be_visible()
    # This test calls from 127.0.0.1, outside 203.0.113.0/24.
    assert gateway_call(live_server, key.plaintext, "c2bPayment", input_Amount="10") == (
        403,
        "INS-999",
    )

    page.reload()
    expect(page.get_by_label("Single transaction value")).to_have_value("100.00")
    expect(page.get_by_label("Trusted sources")).to_have_value("203.0.113.0/24")
    expect(page.get_by_label("Reversal", exact=True)).not_to_be_checked()
    expect(page.get_by_label("C2B Single Stage", exact=False).first).to_be_checked()
    # The key is masked again on a plain reload.
    expect(page.locator("#api-key-value")).not_to_have_text(key.plaintext)
    application.refresh_from_db()
    assert application.limit_single_value == Decimal("100")
    assert application.trusted_sources == ["203.0.113.0/24"]
    assert application.disabled_apis == ["reversal"]
    screenshot(page, "settings-1280")

    # Bad input: named next to the field, nothing saved.
    page.get_by_label("Trusted sources").fill("203.0.113.0/24\nnot-an-address")
    page.get_by_label("Single transaction value").fill("5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#id_trusted_sources_text_error")).to_contain_text("“not-an-address”")
    application.refresh_from_db()
    assert application.limit_single_value == Decimal("100")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/applications/{application.public_id}/")
    assert no_sideways_scroll(page)
    screenshot(page, "settings-390")
    page.goto("/applications/")
    expect(page.get_by_role("link", name="Payout service")).to_be_visible()
    expect(page.get_by_text(f"…{key.last4}")).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "list-390")


def test_developer_rolls_a_key_with_a_24_hour_overlap(page, live_server, developer, screenshot):
    old = developer.api_key
    sign_in(page, live_server, developer)
    page.goto("/applications/")
    page.get_by_role("link", name="Default").click()
    page.get_by_role("link", name="Renew API Key").click()
    page.get_by_label("Keep the old key working for 24 hours").check()
    screenshot(page, "confirm-1280")
    page.get_by_role("button", name="Renew API Key").click()

    new = ApiKey.objects.get(application=old.application, retired_at__isnull=True)
    expect(page.locator("#api-key-value")).to_have_text(new.plaintext)
    expect(page.get_by_text(f"The previous key …{old.last4} keeps working until")).to_be_visible()
    history = page.get_by_role("table", name="Key history")
    old.refresh_from_db()
    expect(history.get_by_role("row").filter(has_text=f"…{new.last4}")).to_contain_text("Current")
    expect(history.get_by_role("row").filter(has_text=f"…{old.last4}")).to_contain_text(
        f"works until {old.retired_at:%Y-%m-%d %H:%M}"
    )
    screenshot(page, "rolled-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert no_sideways_scroll(page)
    screenshot(page, "rolled-390")
