"""Passkeys (WebAuthn) in Chromium, with a virtual authenticator from the DevTools
protocol standing in for a phone or security key: a developer adds a passkey from My
Profile, signs in with password + passkey and then with the passkey alone, renames and
removes it; a staff member whose only second factor is a passkey gets into the admin.

WebAuthn needs a secure context and a relying-party id that is a domain: the portal uses
the host name the browser asked for (allauth's adapter). pytest-django's live server
listens on `localhost`, which Chromium treats as secure over plain http and which fido2
accepts as an origin for the RP id "localhost", so these tests run as they are, with
origin checks on (MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN stays off). http://127.0.0.1 would
not do: an IP address is no RP id, and the browser refuses the ceremony.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from playwright.sync_api import expect

from accounts.models import SecurityEvent
from tests import factories
from tests.conftest import missing
from tests.e2e.test_page_sweeps import AXE, OVERFLOW_JS, _axe

pytestmark = pytest.mark.browser


def _virtual_authenticator(page) -> tuple[object, str]:
    """A platform authenticator (like a phone's) that holds passkeys and always passes
    its user check (PIN or fingerprint)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _sign_in_with_password(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page) -> None:
    page.goto("/accounts/logout/")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()


def _check_page(page, screenshot, name: str) -> None:
    """Screenshots at 1280 and 390 px, no sideways scroll on the phone, and no serious or
    critical axe-core finding (the page sweeps cannot reach these pages: each needs a
    fresh re-authentication or a passkey first)."""
    screenshot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-phone")
    assert page.evaluate(OVERFLOW_JS) == 0, f"{name} scrolls sideways on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})
    if not AXE.exists():
        missing(f"axe-core is not installed at {AXE} (make node-deps)")
    # The page keeps its CSP (it is what allauth's scripts are tested against): axe is
    # evaluated through the DevTools protocol, which the CSP does not govern, rather than
    # added as a <script> (the page sweeps' way, in a context that bypasses the CSP).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;true")
    assert _axe(page, []) == [], f"{name}: accessibility violations"


def test_developer_adds_a_passkey_and_signs_in_with_it(page, screenshot):
    cache.clear()
    developer = factories.DeveloperFactory(username="wanjiru")
    cdp, authenticator_id = _virtual_authenticator(page)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    _sign_in_with_password(page, "wanjiru")
    page.wait_for_url("**/profile/")
    tabs = page.get_by_role("navigation", name="Sections of My Profile")
    tabs.get_by_role("link", name="Security").click()
    page.wait_for_url("**/profile/security/")
    section = page.get_by_role("region", name="Two-factor authentication")
    expect(section.get_by_role("link", name="Turn on two-factor authentication")).to_be_visible()
    screenshot(page, "1-profile-off")
    section.get_by_role("link", name="Add a passkey").click()

    # Adding a passkey changes how one signs in: the password is asked again first.
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Add a passkey")).to_be_visible()
    expect(page.get_by_label("Name of the passkey")).to_have_value("Passkey 1")
    expect(page.get_by_label("Sign in with it alone")).to_be_checked()
    _check_page(page, screenshot, "2-add")

    page.get_by_label("Name of the passkey").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").click()
    # The first second factor comes with recovery codes, shown once made.
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.get_by_text("Passkey added.")).to_be_visible()
    passkey = Authenticator.objects.get(user=developer, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Work laptop"
    assert passkey.wrap().is_passwordless is True
    assert Authenticator.objects.filter(
        user=developer, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    # The browser's authenticator holds it as a discoverable credential for this host.
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert [(c["rpId"], c["isResidentCredential"]) for c in credentials["credentials"]] == [
        ("localhost", True)
    ]

    page.goto("/profile/security/")
    section = page.get_by_role("region", name="Two-factor authentication")
    expect(section).to_contain_text("Signing in asks for your passkey")
    expect(page.get_by_role("region", name="Security events")).to_contain_text("Passkey added")
    screenshot(page, "3-profile-on")
    section.get_by_role("link", name="Manage passkeys").click()
    expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()
    item = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Work laptop"))
    expect(item).to_contain_text("Signs in without a password")
    expect(item).to_contain_text("not used yet")
    _check_page(page, screenshot, "4-list")

    # Password, then the passkey as the second factor.
    _sign_out(page)
    _sign_in_with_password(page, "wanjiru")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    assert page.url.endswith("/accounts/2fa/authenticate/")
    _check_page(page, screenshot, "5-second-factor")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url("**/profile/")
    expect(page.get_by_role("heading", name="My Profile")).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # The passkey alone: no username, no password.
    _sign_out(page)
    page.goto("/accounts/login/")
    _check_page(page, screenshot, "6-sign-in-page")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url("**/profile/")
    expect(page.get_by_role("heading", name="My Profile")).to_be_visible()

    # Rename, then remove it: changes ask to confirm it is you, here with the passkey.
    page.goto("/accounts/2fa/webauthn/")
    page.get_by_role("link", name="Rename Work laptop").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_role("link", name="Use a passkey instead").click()
    expect(page.get_by_role("button", name="Use a passkey")).to_be_visible()
    _check_page(page, screenshot, "7-confirm-with-passkey")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", name="Rename a passkey")).to_be_visible()
    _check_page(page, screenshot, "8-rename")
    page.get_by_label("Name").fill("Old laptop")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Old laptop")).to_be_visible()
    page.get_by_role("link", name="Remove Old laptop").click()
    expect(page.get_by_role("heading", name="Remove the passkey “Old laptop”")).to_be_visible()
    _check_page(page, screenshot, "9-remove")
    page.get_by_role("button", name="Remove the passkey").click()
    expect(page.get_by_text("Passkey removed.")).to_be_visible()
    expect(page.get_by_text("No passkeys yet.")).to_be_visible()
    assert not Authenticator.objects.filter(user=developer).exists()
    kinds = set(developer.security_events.values_list("kind", flat=True))
    assert {SecurityEvent.Kind.PASSKEY_ADDED, SecurityEvent.Kind.PASSKEY_REMOVED} <= kinds
    # allauth's scripts ran under the portal's CSP: nothing was refused.
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_a_cancelled_passkey_step_says_so(page):
    cache.clear()
    factories.DeveloperFactory(username="otieno")
    cdp, authenticator_id = _virtual_authenticator(page)
    # The person declines the PIN or fingerprint prompt.
    cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator_id, "isUserVerified": False}
    )
    _sign_in_with_password(page, "otieno")
    page.wait_for_url("**/profile/")
    page.goto("/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("cancelled or timed out")
    assert not Authenticator.objects.exists()


def test_admin_accepts_a_staff_member_whose_only_factor_is_a_passkey(page, screenshot):
    cache.clear()
    staff = factories.UserFactory(username="njeri", is_staff=True, is_superuser=True, mfa=False)
    factories.verify_email(staff)
    cdp, authenticator_id = _virtual_authenticator(page)

    page.goto("/admin/")
    page.get_by_label("Username or email").fill("njeri")
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # No second factor yet: the admin sends the staff member to set one up.
    expect(page.get_by_text("Add a passkey or turn on an authenticator app")).to_be_visible()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    _check_page(page, screenshot, "1-two-factor-page")
    page.get_by_role("link", name="Add a passkey").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Add a passkey")).to_be_visible()
    # A second factor only: the staff member still types the password first.
    page.get_by_label("Sign in with it alone").uncheck()
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    passkey = Authenticator.objects.get(user=staff, type=Authenticator.Type.WEBAUTHN)
    # Not discoverable: it cannot start a sign-in by itself (the browser may not say).
    assert passkey.wrap().is_passwordless is not True
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert [c["isResidentCredential"] for c in credentials["credentials"]] == [False]
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # And again from a fresh sign-in: password, then the passkey.
    _sign_out(page)
    page.goto("/admin/")
    page.get_by_label("Username or email").fill("njeri")
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    screenshot(page, "2-admin")
