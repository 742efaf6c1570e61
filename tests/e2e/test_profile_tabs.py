"""My Profile's tabs in Chromium: the tab bar at desktop and phone widths (with the Security
tab's badge while two-factor authentication is off), old links to the single page
(`/profile/#two-factor`) landing on the tab that shows that section, and the Account tab's
Language form."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.test_callbacks_page import sign_in

pytestmark = pytest.mark.browser

TABS = {
    "API keys": "/profile/",
    "Account": "/profile/account/",
    "Security": "/profile/security/",
    "Integration": "/profile/integration/",
}
# Where each section of the single page went.
OLD_LINKS = {
    "api-key": "/profile/",
    "details": "/profile/account/",
    "account": "/profile/account/",
    "time-zone": "/profile/account/",
    "language": "/profile/account/",
    "two-factor": "/profile/security/",
    "security": "/profile/security/",
    "async": "/profile/integration/",
    "callbacks": "/profile/integration/",
    "alerts": "/profile/integration/",
    "golive": "/profile/integration/",
}
# The links' accessible names: the Security tab's badge is said after its label.
LINK_NAMES = {
    **{name: name for name in TABS},
    "Security": "Security (two-factor authentication is off)",
}
OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"


def _open_profile(page, live_server, developer, width: int):
    """Sign in at this width and open My Profile; its tab bar."""
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    sign_in(page, live_server, developer)
    page.goto("/profile/")
    return page.get_by_role("navigation", name="Sections of My Profile")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_tab_bar_leads_to_each_tab_and_marks_it(
    page, live_server, developer, screenshot, width
):
    tabs = _open_profile(page, live_server, developer, width)

    for name, path in TABS.items():
        link = tabs.get_by_role("link", name=LINK_NAMES[name], exact=True)
        link.click()
        page.wait_for_url(f"**{path}")
        expect(link).to_have_attribute("aria-current", "page")
        expect(tabs.locator("[aria-current]")).to_have_count(1)
        expect(page).to_have_title(f"{name} · My Profile · M-Pesa Developer Portal")
        # Every tab is in sight, none cut off at the edge, and the page never scrolls sideways.
        for other in TABS:
            box = tabs.get_by_role("link", name=LINK_NAMES[other], exact=True).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, other
        assert page.evaluate(OVERFLOW_JS) == 0, path
        screenshot(page, f"{width}-{path.strip('/').replace('/', '-')}")


@pytest.mark.parametrize(("fragment", "tab"), OLD_LINKS.items())
def test_an_old_link_to_a_section_lands_on_its_tab(page, live_server, developer, fragment, tab):
    sign_in(page, live_server, developer)

    page.goto(f"/profile/#{fragment}")

    page.wait_for_url(f"**{tab}#{fragment}")
    expect(page.locator(f"#{fragment}")).to_be_in_viewport()


def test_an_unknown_fragment_stays_on_the_first_tab(page, live_server, developer):
    sign_in(page, live_server, developer)

    page.goto("/profile/#no-such-section")

    expect(page.get_by_role("heading", name="API Key")).to_be_visible()
    assert page.url.endswith("/profile/#no-such-section")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_security_tabs_badge_is_seen_until_a_second_factor_is_on(
    page, live_server, developer, screenshot, width
):
    tabs = _open_profile(page, live_server, developer, width)
    # The link's accessible name says why the badge is there.
    link = tabs.get_by_role("link", name="Security (two-factor authentication is off)", exact=True)

    badge = link.locator(".badge")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("!(two-factor authentication is off)")
    # The badge sits inside its link, on the same line as the label.
    link_box, badge_box = link.bounding_box(), badge.bounding_box()
    assert link_box is not None and badge_box is not None
    assert badge_box["x"] + badge_box["width"] <= link_box["x"] + link_box["width"]
    assert badge_box["height"] < link_box["height"]
    screenshot(page, f"{width}-badge")

    Authenticator.objects.create(
        user=developer, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    page.reload()
    expect(tabs.get_by_role("link", name="Security", exact=True)).to_be_visible()
    expect(tabs.locator(".badge")).to_have_count(0)


@pytest.mark.parametrize("width", [1280, 390])
def test_choosing_french_on_the_account_tab(page, live_server, developer, screenshot, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    sign_in(page, live_server, developer)
    page.goto("/profile/account/")
    section = page.locator("#language")
    expect(section.get_by_label("Your language")).to_have_value("en")

    section.get_by_label("Your language").select_option(label="Français")
    section.get_by_role("button", name="Save language").click()

    page.wait_for_url("**/profile/account/#language")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Mon profil")).to_be_visible()
    expect(page.get_by_text("Langue enregistrée : vos pages, e-mails et SMS")).to_be_visible()
    expect(section.get_by_label("Votre langue")).to_have_value("fr")
    expect(section).to_be_in_viewport()
    assert User.objects.get(pk=developer.pk).language == "fr"
    assert page.evaluate(OVERFLOW_JS) == 0
    screenshot(page, f"{width}-account-fr")
    page.get_by_role(
        "link", name="Sécurité (l’authentification à deux facteurs est désactivée)"
    ).click()
    page.wait_for_url("**/profile/security/")
    assert page.evaluate(OVERFLOW_JS) == 0
    screenshot(page, f"{width}-security-fr")
