"""API docs in Chromium: the interactive reference under CSP, tabs, phone layout."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from catalog import all_apis

pytestmark = pytest.mark.browser


def test_interactive_reference_renders_every_api_without_csp_errors(page, screenshot):
    errors: list = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto("/docs/reference/")

    page.get_by_text("/ipg/v2/{market}/c2bPayment/singleStage/").wait_for()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    assert page.locator(".opblock").count() == len(all_apis())
    screenshot(page, "reference")
    assert errors == []


def test_sample_tabs_switch_with_keyboard(page):
    page.goto("/docs/apis/reversal/")
    java = page.get_by_role("tab", name="Java")
    assert java.get_attribute("aria-selected") == "true"

    java.focus()
    page.keyboard.press("ArrowRight")

    python = page.get_by_role("tab", name="Python")
    assert python.get_attribute("aria-selected") == "true"
    expect(page.locator("#panel-python")).to_be_visible()
    expect(page.locator("#panel-java")).to_be_hidden()
    page.keyboard.press("End")
    assert page.get_by_role("tab", name="C#").get_attribute("aria-selected") == "true"


def test_api_page_fits_a_phone_screen(page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/docs/apis/c2bPayment/")

    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "c2b-mobile")
    assert width <= 390


def test_docs_menu_folds_on_a_phone_and_stays_open_on_a_desktop(page, screenshot):
    page.goto("/docs/apis/c2bPayment/")
    menu_link = page.get_by_role("link", name="Sync and async")
    expect(menu_link).to_be_visible()
    assert page.get_by_text("Docs menu").is_hidden()
    assert page.get_by_text("folded into").count() == 0

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert menu_link.is_hidden()
    # The page's own heading is on the first screen, not below the whole menu.
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert heading["y"] + heading["height"] < 844
    page.get_by_text("Docs menu").click()
    expect(menu_link).to_be_visible()
    # The index's path column keeps each path on one line (it scrolls in its wrapper).
    page.goto("/docs/")
    path = page.locator("table.api-index code").first
    assert path.bounding_box()["height"] < 30
    screenshot(page, "docs-index-390")


def test_signed_in_developer_tries_get_session_from_the_reference(
    page, live_server, developer, screenshot
):
    from django.test import Client

    client = Client()
    client.force_login(developer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/docs/reference/")
    status = page.get_by_role("status").filter(has_text="Authorised")
    status.wait_for()

    page.get_by_text("/ipg/v2/{market}/getSession/").click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("select").filter(has_text="vodafoneGHA").first.select_option("vodafoneGHA")
    page.get_by_role("button", name="Execute").click()

    live = page.locator(".live-responses-table tbody .response-col_status").first
    live.wait_for()
    assert live.text_content().strip() == "200"
    assert "INS-0" in page.locator(".live-responses-table .microlight").first.text_content()
    screenshot(page, "reference-try")
