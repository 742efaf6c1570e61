"""The top navigation: every area in a fixed order, on a desktop and on a 390 px phone
(folded into "Menu", a <details>: no JavaScript needed)."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AREAS = [
    "Docs",
    "Request log",
    "Reports",
    "Callbacks",
    "Applications",
    "My Profile",
    "Go Live",
]


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _links(page) -> list[str]:
    nav = page.get_by_role("navigation", name="Main")
    return [name.strip() for name in nav.get_by_role("link").all_inner_texts()]


def test_the_navigation_reaches_every_area_in_order(page, live_server, developer, screenshot):
    _sign_in(page, live_server, developer)
    page.goto("/")

    assert _links(page) == AREAS
    assert page.get_by_text("Menu", exact=True).is_hidden()
    screenshot(page, "1280")
    for name in AREAS:
        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state("load")
        assert page.url != live_server.url + "/accounts/login/", name
        assert page.get_by_role("heading", level=1).count() >= 1, name


def test_the_navigation_folds_into_a_menu_on_a_phone_without_javascript(
    _browser, live_server, developer, screenshot
):
    context = _browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        _sign_in(page, live_server, developer)
        page.goto("/profile/")
        nav = page.get_by_role("navigation", name="Main")
        assert nav.get_by_role("link", name="Go Live").is_hidden()
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 130  # folded: the page starts on the first screen

        page.get_by_text("Menu", exact=True).click()
        for name in AREAS:
            expect(nav.get_by_role("link", name=name, exact=True), name).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "390-open")
        nav.get_by_role("link", name="Callbacks").click()
        page.wait_for_url("**/sandbox/callbacks/")
    finally:
        context.close()
