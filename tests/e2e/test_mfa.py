"""Two-factor sign-in in Chromium: a developer turns on the authenticator app from My
Profile, signs out, and signs in again with a code computed from the secret (RFC 6238)."""

import re
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture(autouse=True)
def _one_period_either_side(settings):
    """allauth's window (MFA_TOTP_TOLERANCE, 0 in production) widened to one period either
    side here: a second code is then the next period's, instead of a wait of up to 30 s
    for the clock (allauth accepts each code once)."""
    settings.MFA_TOTP_TOLERANCE = 1


def _next_code(secret: str, used: set[str]) -> str:
    """A code the window accepts that was not used yet: this period's, else the next's."""
    totp = pyotp.TOTP(secret)
    for period in (0, 1):
        code = totp.at(time.time() + period * totp.interval)
        if code not in used:
            used.add(code)
            return code
    raise AssertionError("a third code within one period")


def _wrong_code(secret: str) -> str:
    """A code no period near now accepts."""
    totp = pyotp.TOTP(secret)
    near = {totp.at(time.time() + k * totp.interval) for k in range(-2, 3)}
    return next(code for code in ("123456", "654321", "000000") if code not in near)


def test_developer_turns_on_totp_and_signs_in_with_a_code(page, screenshot):
    cache.clear()
    developer = factories.DeveloperFactory(username="amani")
    used: set[str] = set()

    _sign_in(page, "amani")
    page.wait_for_url("**/profile/")
    tabs = page.get_by_role("navigation", name="Sections of My Profile")
    tabs.get_by_role("link", name="Security").click()
    page.wait_for_url("**/profile/security/")
    section = page.get_by_role("region", name="Two-factor authentication")
    expect(section).to_contain_text("Protect your account with a second factor")
    screenshot(page, "1-profile-off")
    section.get_by_role("link", name="Turn on two-factor authentication").click()

    # Changing how one signs in asks for the password again.
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Turn on two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of the authenticator secret")).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    screenshot(page, "2-activate")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "2-activate-phone")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".errorlist")).to_be_visible()
    page.get_by_label("Authenticator code").fill(_next_code(secret, used))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    # allauth shows the recovery codes once they are made.
    expect(page.get_by_text(re.compile("recovery codes", re.I)).first).to_be_visible()
    screenshot(page, "3-recovery-codes")
    assert Authenticator.objects.filter(user=developer, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(
        user=developer, type=Authenticator.Type.RECOVERY_CODES
    ).exists()

    page.goto("/profile/security/")
    expect(page.get_by_role("region", name="Two-factor authentication")).to_contain_text("On")
    # The change is a security event the developer sees on My Profile.
    expect(page.get_by_role("region", name="Security events")).to_contain_text(
        "Two-factor authentication turned on"
    )

    # Sign out, then back in: the password alone is not enough.
    page.goto("/accounts/logout/")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    _sign_in(page, "amani")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    assert page.url.endswith("/accounts/2fa/authenticate/")
    screenshot(page, "4-code-step")
    page.get_by_label("Code").fill(_wrong_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".errorlist")).to_be_visible()

    page.get_by_label("Code").fill(_next_code(secret, used))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/profile/")
    expect(page.get_by_role("heading", name="My Profile")).to_be_visible()
    screenshot(page, "5-signed-in")
