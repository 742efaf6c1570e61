"""The scripts speak the page's language (the djangojs catalogue, portal/jsi18n.py): the
reports' Plotly charts and the console, in Chromium under the portal's strict CSP, in
French and Swahili, with screenshots at 1280 and 390 px (test-artifacts/i18n/)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import ARTIFACTS
from tests.e2e.test_reports import _sandbox_calls

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "i18n"

WORDS = {
    "fr": {
        "calls_title": "Appels par jour selon le résultat",
        "latency_title": "Latence par jour",
        "successful": "Réussis",
        "zoom_in": "Zoom avant",
        "tabs": "Vues du rapport",
        "answered": r"HTTP 201 · INS-0 · réponse en \d+ ms\.",
        "request": "Requête",
        "not_json": "Le corps n’est pas du JSON valide",
    },
    "sw": {
        "calls_title": "Simu kwa siku kulingana na matokeo",
        "latency_title": "Muda wa kusubiri kwa siku",
        "successful": "Zilizofanikiwa",
        "zoom_in": "Kuza zaidi",
        "tabs": "Mionekano ya ripoti",
        "answered": r"HTTP 201 · INS-0 · imejibiwa kwa ms \d+\.",
        "request": "Ombi",
        "not_json": "Mwili si JSON halali",
    },
}


def _signed_in_context(browser, live_server, user, language: str):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, locale=language, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, client


def _shots(page, name: str, part: str, *, reload: bool = False) -> None:
    """The whole page and, to read it at full size, the part the script fills; with
    `reload`, the page is opened again at each width (the charts are drawn for the
    width they are first shown at, as on a phone)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        if reload:
            page.reload()
            page.locator(part).locator(".main-svg").first.wait_for()
        # Plotly redraws the charts for the new width a moment later; the page then fits
        # the screen (no sideways scroll), as on a phone.
        page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.locator(part).screenshot(path=str(SHOTS / f"{name}-{width}-part.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("language", ["fr", "sw"])
def test_the_report_charts_are_in_the_pages_language(_browser, live_server, developer, language):
    words = WORDS[language]
    User.objects.filter(pk=developer.pk).update(language=language)
    _sandbox_calls(live_server.url, developer)
    context, client = _signed_in_context(_browser, live_server, developer, language)
    errors: list[str] = []
    page = context.new_page()
    # Uncaught script errors (a gettext that is not defined) and scripts the CSP blocks.
    # (Plotly's inline styles are refused by the CSP and drawn by plotly.css instead:
    # tests/e2e/test_reports.py.)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and "script" in m.text and errors.append(m.text))
    try:
        generated = client.post(
            reverse("reports:report-generate"),
            {"range": "today", "key": str(developer.api_key.public_id)},
        )
        assert generated.status_code == 302
        page.goto(generated["Location"])
        assert page.locator("html").get_attribute("lang") == language
        expect(page.locator("[data-tablist]")).to_have_attribute("aria-label", words["tabs"])
        page.locator("#tab-chart").click()
        # Set by reports.js: the charts' titles, a trace name and Plotly's own toolbar.
        expect(page.locator("#chart-calls .gtitle")).to_have_text(words["calls_title"])
        expect(page.locator("#chart-latency .gtitle")).to_have_text(words["latency_title"])
        legend = page.locator("#chart-calls .legendtext")
        expect(legend.filter(has_text=words["successful"])).to_have_count(1)
        page.locator("#chart-calls").hover()
        expect(
            page.locator(f'#chart-calls .modebar-btn[data-title="{words["zoom_in"]}"]')
        ).to_have_count(1)
        _shots(page, f"{language}-report-chart", "#panel-chart", reload=True)
    finally:
        context.close()
    assert errors == [], errors


@pytest.mark.parametrize("language", ["fr", "sw"])
def test_the_console_speaks_the_pages_language(_browser, live_server, developer, language):
    words = WORDS[language]
    User.objects.filter(pk=developer.pk).update(language=language)
    context, _client = _signed_in_context(_browser, live_server, developer, language)
    errors: list[str] = []
    page = context.new_page()
    # Uncaught script errors (a gettext that is not defined) and scripts the CSP blocks.
    # (Plotly's inline styles are refused by the CSP and drawn by plotly.css instead:
    # tests/e2e/test_reports.py.)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and "script" in m.text and errors.append(m.text))
    try:
        page.goto("/docs/apis/c2bPayment/")
        page.locator("#open-console").click()
        dialog = page.get_by_role("dialog")
        expect(page.locator("#console-bearer")).to_have_text(re.compile(r"^Bearer \S{600,}$"))
        body = page.locator("#console-body")
        good = body.input_value()
        body.fill("{ not json")
        page.locator("#console-send").click()
        expect(page.locator("#console-body-error")).to_contain_text(words["not_json"])
        body.fill(good)
        page.locator("#console-send").click()
        expect(page.locator("#console-status")).to_have_text(
            re.compile("^" + words["answered"] + "$"), timeout=15_000
        )
        # The recent call the script adds (behind the dialog): its headings too.
        expect(page.locator("#recent-calls h4").first).to_have_text(words["request"])
        expect(dialog).to_be_visible()
        _shots(page, f"{language}-console", "#console-dialog")
    finally:
        context.close()
    assert errors == [], errors
