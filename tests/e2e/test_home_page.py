import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_newcomer_sees_the_home_page_and_finds_registration(page, live_server, screenshot):
    page.goto("/")

    expect(page.get_by_role("heading", name="Build M-Pesa payments into your app")).to_be_visible()
    screenshot(page, "home")
    page.get_by_role("link", name="Register for a developer account").click()
    page.wait_for_url("**/accounts/signup/")
    expect(page.get_by_label("Username")).to_be_visible()


def test_home_page_fits_a_phone_screen(page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")

    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "home-mobile")
    assert width <= 390
