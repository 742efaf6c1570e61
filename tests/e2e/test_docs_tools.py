"""In the browser: the docs search box, and the parameters tables' copy buttons."""

from __future__ import annotations

import pytest


def test_the_search_box_finds_a_parameter_without_javascript(_browser, live_server, screenshot):
    context = _browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto("/docs/")
        page.get_by_role("search", name="Docs search").get_by_label("Search the docs").fill(
            "input_Amount"
        )
        page.get_by_role("search", name="Docs search").get_by_role("button", name="Search").click()
        page.wait_for_url("**/docs/search/?q=input_Amount")
        first = page.locator(".search-results li a").first
        assert first.inner_text() == "input_Amount"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
        screenshot(page, "390")
        page.set_viewport_size({"width": 1280, "height": 800})
        screenshot(page, "1280")
        first.click()
        page.wait_for_url("**/docs/apis/*/#param-input_Amount")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_copy_button_copies_the_parameter_name(page, screenshot, width):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    page.goto("/docs/apis/c2bPayment/#request-parameters")
    button = page.get_by_role("button", name="Copy input_Amount", exact=True)

    # Keyboard reachable: focus it and press Enter, as a keyboard user would.
    button.focus()
    page.keyboard.press("Enter")

    page.wait_for_function("() => document.querySelector('[data-copied=\"true\"]') !== null")
    assert page.evaluate("navigator.clipboard.readText()") == "input_Amount"
    assert page.get_by_role("status").filter(has_text="Copied input_Amount").count() == 1
    # The buttons do not push the page sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    screenshot(page, str(width))


def test_every_parameter_row_has_one_copy_button(page):
    page.goto("/docs/apis/c2bPayment/")
    rows = page.locator(".params-table tbody tr")
    buttons = page.locator(".params-table button.copy-param:visible")
    assert rows.count() == buttons.count() > 5
