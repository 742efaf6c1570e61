"""In the browser: Go Live's confirmation page, choosing which saved report to send
(without JavaScript: a GET form), checked with axe and at a phone's width."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from golive.models import GoLiveRequest
from tests import factories
from tests.e2e.test_golive import fill_business_details
from tests.e2e.test_page_sweeps import AXE, _axe
from tests.golive.helpers import make_report, ready_report

pytestmark = pytest.mark.browser


def test_choosing_another_report_then_sending_it(_browser, live_server, screenshot):
    developer = factories.DeveloperFactory(username="dev", company="Acme Payments")
    older = ready_report(developer)
    today = timezone.now().date()
    newer = make_report(developer, date_from=today, date_to=today)
    client = Client()
    client.force_login(developer)
    context = _browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto("/golive/request/")
        section = page.locator("#report-choice")
        assert f"{newer.date_from} to {newer.date_to}" in section.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
        screenshot(section, "report-choice-390")

        page.get_by_label("Send another of your saved reports").select_option(str(older.public_id))
        page.get_by_role("button", name="Show this report").click()
        page.wait_for_url(f"**report={older.public_id}*")
        assert f"{older.date_from} to {older.date_to}" in section.inner_text()
        page.set_viewport_size({"width": 1280, "height": 800})
        screenshot(section, "report-choice-1280")
        assert AXE.exists(), "axe-core is not installed (make node-deps)"
        assert _axe(page, []) == []

        fill_business_details(page)
        page.get_by_role("button", name="Send my Go Live request").click()
        page.wait_for_url("**/golive/?application=*")
    finally:
        context.close()
    assert GoLiveRequest.objects.get().report == older
