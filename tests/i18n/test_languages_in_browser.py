"""The portal in the markets' languages, in Chromium over the live server.

- the browser's Accept-Language picks the first language;
- the footer's switcher (a plain form, accounts.views.set_language) changes it for anyone;
- a signed-in developer's choice is stored on their profile: it follows them to another
  browser, and their emails (a password reset asked for from an English page) and
  phone-code SMS go out in it;
- screenshots of the main pages in French and Swahili at 1280x800 and 390x844
  (test-artifacts/i18n/), with no sideways scroll on the phone and no serious axe
  violation.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import expect

from accounts import sms
from accounts.models import User
from tests import screens
from tests.conftest import ARTIFACTS, missing
from tests.e2e.test_page_sweeps import AXE, OVERFLOW_JS, WIDE_JS, _axe, with_axe
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "i18n"


def _context(browser, live_server, *, locale: str = "en-GB", **options):
    context = browser.new_context(base_url=live_server.url, locale=locale, **options)
    context.set_default_timeout(30_000)
    return context


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/profile/**")


def _switch(page, language_name: str) -> None:
    """Choose a language in the footer's switcher and send the form."""
    footer = page.locator("footer")
    footer.locator("select[name=language]").select_option(label=language_name)
    footer.locator("form.language-form button[type=submit]").click()


def test_accept_language_french_gives_french_pages(_browser, live_server, transactional_db):
    context = _context(_browser, live_server, locale="fr-FR")
    page = context.new_page()
    try:
        response = page.goto("/")
        assert response.headers["content-language"] == "fr"
        assert page.locator("html").get_attribute("lang") == "fr"
        page.get_by_role(
            "heading", name="Intégrez les paiements M-Pesa à votre application"
        ).wait_for()
        expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()

        page.goto("/docs/apis/c2bPayment/")
        # The catalogue's prose is translated; protocol names stay as they are.
        lead = page.locator("p.lead").inner_text()
        assert lead == "Encaisser un paiement depuis le portefeuille M-Pesa d’un client."
        table = page.locator("#request-parameters").locator("..").inner_text()
        assert "input_Amount" in table and "input_CustomerMSISDN" in table
        assert "Le numéro de téléphone du client, débité." in page.content()
        assert "INS-0" in page.locator("#result-codes").locator("..").inner_text()
        assert page.locator("footer select[name=language]").input_value() == "fr"
    finally:
        context.close()


def test_without_accept_language_the_portal_is_in_english(_browser, live_server, transactional_db):
    context = _context(_browser, live_server, locale="de-DE")  # a language it does not offer
    page = context.new_page()
    try:
        page.goto("/docs/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.get_by_role("heading", name="API Docs", exact=True).wait_for()
    finally:
        context.close()


def test_the_switcher_changes_the_language_of_the_page_it_is_on(
    _browser, live_server, transactional_db
):
    context = _context(_browser, live_server)
    page = context.new_page()
    try:
        page.goto("/docs/")
        page.get_by_role("heading", name="API Docs", exact=True).wait_for()
        _switch(page, "Kiswahili")
        page.get_by_role("heading", name="Nyaraka za API", exact=True).wait_for()
        assert page.url == f"{live_server.url}/docs/"
        assert page.locator("html").get_attribute("lang") == "sw"
        # The choice is kept (a cookie) on the next pages.
        page.goto("/accounts/login/")
        page.get_by_role("heading", name="Ingia", exact=True).wait_for()
        _switch(page, "Português")
        page.get_by_role("heading", name="Iniciar sessão", exact=True).wait_for()
        _switch(page, "English")
        page.get_by_role("heading", name="Sign in", exact=True).wait_for()
    finally:
        context.close()


def test_a_developers_language_is_kept_and_used_for_their_email_and_sms(
    _browser, live_server, developer
):
    cache.clear()
    mail.outbox.clear()
    sms.outbox.clear()
    assert developer.language == ""

    # Signed in from an English browser, the developer chooses Portuguese.
    context = _context(_browser, live_server)
    page = context.new_page()
    try:
        _sign_in(page, developer.username)
        assert User.objects.get(pk=developer.pk).language == "en"  # stored at sign-in
        _switch(page, "Português")
        page.get_by_role("heading", name="O meu perfil").wait_for()
        assert User.objects.get(pk=developer.pk).language == "pt"

        # The phone-code SMS goes out in Portuguese.
        page.goto("/profile/phone/")
        page.get_by_label("Número de telefone").fill("+254 711 222 333")
        page.get_by_role("button", name="Enviar-me um código por SMS").click()
        page.wait_for_url("**/profile/phone/confirm/")
        assert len(sms.outbox) == 1
        assert re.fullmatch(
            r"\d{6} é o seu código do M-Pesa Developer Portal\. Expira dentro de \d+ minutos\.",
            sms.outbox[0].body,
        )
    finally:
        context.close()

    # Another browser, in English: once signed in, the stored language wins.
    context = _context(_browser, live_server, locale="en-US")
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_role("heading", name="Sign in", exact=True).wait_for()
        _sign_in(page, developer.username)
        page.get_by_role("heading", name="O meu perfil").wait_for()
        assert page.locator("html").get_attribute("lang") == "pt"
    finally:
        context.close()

    # A password reset asked for from an English page reaches them in Portuguese.
    context = _context(_browser, live_server, locale="en-US")
    page = context.new_page()
    try:
        page.goto("/accounts/password/reset/")
        page.get_by_label("Email").fill(developer.email)
        page.get_by_role("button", name="Email me a reset link").click()
        page.get_by_role("heading", name="Check your email").wait_for()
    finally:
        context.close()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [developer.email]
    assert message.subject.endswith("Redefina a sua palavra-passe")
    assert "Escolha uma nova palavra-passe seguindo este link:" in message.body
    assert "Olá, daqui é o Portal de Programadores M-Pesa," in message.body


# --- Screenshots ------------------------------------------------------------------------

PAGES = {
    "home": "/",
    "docs": "/docs/",
    "docs-search": "/docs/search/?q=amount",
    "api": "/docs/apis/c2bPayment/",
    "sign-in": "/accounts/login/",
    "profile": "/profile/",
    "profile-account": "/profile/account/",
    "profile-security": "/profile/security/",
    "profile-integration": "/profile/integration/",
    "passkeys": "/accounts/2fa/webauthn/",
    "reports": "/reports/",
}
SIGNED_IN = {name for name in PAGES if name.startswith("profile")} | {"passkeys", "reports"}


@pytest.mark.parametrize("language", ["fr", "sw"])
def test_main_pages_in_french_and_swahili_fit_a_phone(language, _browser, live_server, developer):
    if not AXE.exists():
        missing(f"axe-core is not installed at {AXE} (make node-deps)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    User.objects.filter(pk=developer.pk).update(language=language)
    client = Client()
    client.force_login(developer)
    session = client.cookies["sessionid"].value
    too_wide, violations = {}, {}
    # Two browser contexts, a visitor's and the developer's; each page is loaded once, at
    # phone width (the overflow check), then widened to 1280 px for axe, as the page
    # sweeps do (tests/e2e/test_page_sweeps.py).
    for signed_in in (False, True):
        # bypass_csp: axe is injected as a script (the portal's CSP allows no inline one).
        context = with_axe(_context(_browser, live_server, locale=language, bypass_csp=True))
        if signed_in:
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        try:
            for name, path in PAGES.items():
                if (name in SIGNED_IN) != signed_in:
                    continue
                page.set_viewport_size({"width": 390, "height": 844})
                page.goto(path)
                assert page.locator("html").get_attribute("lang") == language, path
                screens.save(page, SHOTS / f"{language}-{name}-390.png")
                if page.evaluate(OVERFLOW_JS) > 0:
                    too_wide[path] = page.evaluate(WIDE_JS)
                page.set_viewport_size({"width": 1280, "height": 800})
                page.evaluate("window.scrollTo(0, 0)")  # as a page just opened
                screens.save(page, SHOTS / f"{language}-{name}-1280.png")
                found = _axe(page, [])
                if found:
                    violations[path] = found
        finally:
            context.close()
    assert too_wide == {}, f"wider than a 390 px phone: {too_wide}"
    assert violations == {}, f"axe: {violations}"
