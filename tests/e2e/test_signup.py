"""A newcomer's whole sign-up in Chromium, over the live server.

The activation link comes from the sent mail (locmem backend, same process as the live
server) and the phone code from the sent SMS (accounts.sms.LocmemBackend).
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from accounts import sms
from accounts.models import ApiKey, User

pytestmark = pytest.mark.browser

PASSWORD = "a-long-and-unusual-passphrase-31"
PUBLIC_KEY_PREFIX = "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8A"
PROFILE_URL = re.compile(r"/profile/(#[a-z-]+)?$")


def api_key_on(page) -> str:
    return page.locator("#api-key-value").inner_text().strip()


def test_newcomer_registers_activates_adds_a_phone_and_renews_the_key(page, screenshot):
    cache.clear()
    sms.outbox.clear()
    mail.outbox.clear()

    page.goto("/")
    page.get_by_role("link", name="Register for a developer account").click()
    page.get_by_label("Username").fill("zawadi")
    page.get_by_label("Email").fill("zawadi@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    screenshot(page, "1-register")
    page.get_by_role("button", name="Register").click()

    page.get_by_role("heading", name="Activate your account from your email").wait_for()
    screenshot(page, "2-verification-sent")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)

    # Signing in before activation is refused, with the way out.
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("zawadi")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("this account cannot sign in")).to_be_visible()

    page.goto(link)
    screenshot(page, "3-confirm-email")
    page.get_by_role("button", name="Confirm my email address").click()
    page.wait_for_url("**/accounts/login/**")

    page.get_by_label("Username or email").fill("zawadi@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/profile/phone/")
    # Every other page sends the newcomer back to the phone step.
    page.goto("/profile/")
    page.wait_for_url("**/profile/phone/")

    page.get_by_label("Phone number").fill("0712345678")
    page.get_by_role("button", name="Send me a code by SMS").click()
    expect(page.get_by_text("Start the number with + and the country code")).to_be_visible()
    screenshot(page, "4-phone-refused")
    page.get_by_label("Phone number").fill("+254 712 345 678")
    page.get_by_role("button", name="Send me a code by SMS").click()
    page.wait_for_url("**/profile/phone/confirm/")
    assert len(sms.outbox) == 1
    code = re.search(r"\b(\d{6})\b", sms.outbox[0].body).group(1)
    page.get_by_label("Code from the SMS").fill(code)
    screenshot(page, "5-phone-code")
    page.get_by_role("button", name="Confirm my phone number").click()

    page.wait_for_url(PROFILE_URL)
    page.get_by_role("heading", name="My Profile").wait_for()
    first_key = api_key_on(page)
    assert re.fullmatch(r"[a-z0-9]{32}", first_key)
    public_key = page.get_by_label("Gateway public key (sandbox)").input_value()
    assert public_key.startswith(PUBLIC_KEY_PREFIX)
    screenshot(page, "6-profile-activated")
    # Activation itself is not a security event; the phone confirmation is (Security tab).
    tabs = page.get_by_role("navigation", name="Sections of My Profile")
    tabs.get_by_role("link", name="Security").click()
    page.wait_for_url("**/profile/security/")
    events = page.locator("#security").inner_text()
    assert "Phone number confirmed" in events and "Email address changed" not in events
    user = User.objects.get(username="zawadi")
    assert user.phone_number == "+254712345678"

    # Back on the API keys tab the key is hidden again until revealed (in place, with
    # JavaScript).
    tabs.get_by_role("link", name="API keys").click()
    page.wait_for_url("**/profile/")
    assert first_key not in page.content()
    page.get_by_role("button", name="Reveal API Key").click()
    page.get_by_role("button", name="Copy API Key").wait_for()
    assert api_key_on(page) == first_key

    page.get_by_role("link", name="Renew API Key").click()
    screenshot(page, "7-renew-confirm")
    page.get_by_role("button", name="Yes, renew my API key").click()
    page.wait_for_url(PROFILE_URL)
    second_key = api_key_on(page)
    assert re.fullmatch(r"[a-z0-9]{32}", second_key)
    assert second_key != first_key
    expect(page.get_by_text("no longer works")).to_be_visible()
    screenshot(page, "8-profile-renewed")
    keys = ApiKey.objects.filter(user=user).order_by("created_at")
    assert [k.plaintext for k in keys] == [first_key, second_key]
    assert keys[0].retired_at is not None and keys[1].retired_at is None


def test_profile_fits_a_phone_screen(page, screenshot, developer):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("dev")
    page.get_by_label("Password").fill("correct-horse-battery-staple-42")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(PROFILE_URL)

    for tab in ["", "account/", "security/", "integration/"]:
        page.goto(f"/profile/{tab}")
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"profile-mobile-{tab.strip('/') or 'keys'}")
        assert width <= 390, tab


def test_developer_changes_password_and_asks_for_an_email_change(page, screenshot, developer):
    cache.clear()
    mail.outbox.clear()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("dev@example.com")
    page.get_by_label("Password").fill("correct-horse-battery-staple-42")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(PROFILE_URL)

    page.goto("/profile/account/")
    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Current Password").fill("correct-horse-battery-staple-42")
    page.get_by_label("New Password", exact=True).fill("123")
    page.get_by_label("New Password (again)").fill("123")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    screenshot(page, "password-too-short")
    # Password fields come back empty after an error, the current one included.
    page.get_by_label("Current Password").fill("correct-horse-battery-staple-42")
    page.get_by_label("New Password", exact=True).fill(PASSWORD)
    page.get_by_label("New Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    page.get_by_text("Password successfully changed.").wait_for()

    page.goto("/profile/account/")
    page.get_by_role("link", name="Change email address").click()
    page.get_by_label("Email").fill("dev-moved@example.com")
    page.get_by_role("button", name="Send a verification link to the new address").click()
    expect(page.get_by_text("Changing to dev-moved@example.com")).to_be_visible()
    screenshot(page, "email-change-pending")
    page.goto("/profile/security/")
    assert "Password changed" in page.locator("#security").inner_text()
    assert mail.outbox[-1].to == ["dev-moved@example.com"]


def test_after_a_failed_sign_up_the_focus_is_on_the_first_field_to_fix(page):
    cache.clear()
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("kito")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state("load")

    page.get_by_label("Email").wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    assert page.evaluate("document.activeElement.name") == "email"
