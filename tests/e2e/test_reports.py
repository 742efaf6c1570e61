"""Reports in Chromium: real sandbox calls over HTTP, then Generate (a POST redirecting to
the report's bookmarkable page), the table and the charts (Plotly drawn under the
portal's strict CSP)."""

from __future__ import annotations

import re

import pytest
import requests
from django.test import Client
from playwright.sync_api import expect

from catalog import get_api, get_market
from reports.models import Report
from sandbox.models import ApiCall
from tests.reports.conftest import bearer_for

pytestmark = pytest.mark.browser


def _sandbox_calls(base_url: str, developer) -> None:
    """Three payments and a refused one (INS-20), the way a client library sends them."""
    headers = {
        "Authorization": bearer_for(developer.api_key_plaintext),
        "Content-Type": "application/json",
        "Origin": "*",
    }
    api = get_api("c2bPayment")
    url = f"{base_url}/sandbox/ipg/v2/vodafoneGHA/{api.path}"
    for _ in range(3):
        body = api.sample_request(get_market("vodafoneGHA"))
        response = requests.post(url, json=body, headers=headers, timeout=30)
        assert response.status_code == 201, response.text
    body = api.sample_request(get_market("vodafoneGHA"))
    del body["input_Amount"]
    response = requests.post(url, json=body, headers=headers, timeout=30)
    assert response.json()["output_ResponseCode"] == "INS-20"


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_generate_a_report_and_see_the_table_and_the_chart(
    page, live_server, developer, screenshot
):
    _sandbox_calls(live_server.url, developer)
    assert ApiCall.objects.filter(api_key=developer.api_key).count() == 4
    csp_errors = []
    page.on("console", lambda m: m.type == "error" and csp_errors.append(m.text))
    _sign_in(page, live_server, developer)

    page.goto("/reports/")
    expect(page.get_by_label("API key")).to_have_value(str(developer.api_key.public_id))
    expect(page.get_by_label("From")).to_be_hidden()  # only for a custom range
    page.get_by_label("Date range").select_option(label="Today")
    with page.expect_response(lambda r: r.url.endswith("/reports/generate/")) as posted:
        page.get_by_role("button", name="Generate report").click()

    # Generate posts (CSRF token included), saves the report and redirects to the
    # report's own page: a URL to bookmark, which shows the same report when reopened.
    report = Report.objects.get(user=developer)
    generate = posted.value
    assert (generate.request.method, generate.status) == ("POST", 302)
    assert generate.header_value("location") == f"/reports/{report.public_id}/"
    # The page's tabs put the shown tab in the fragment (#table) once its DOM is ready.
    page.wait_for_url(
        re.compile(re.escape(f"{live_server.url}/reports/{report.public_id}/") + "(#.*)?$"),
        wait_until="domcontentloaded",
    )
    page.reload()
    expect(page.locator('[data-stat="calls"]')).to_have_text("4")
    assert Report.objects.filter(user=developer).count() == 1  # reopening saves nothing
    assert report.summary["calls"] == 4
    expect(page.locator('[data-stat="calls"]')).to_have_text("4")
    expect(page.locator('[data-stat="success-rate"]')).to_have_text("75.0 %")
    table = page.get_by_role("tabpanel", name="Table")
    expect(table.get_by_role("row")).to_have_count(5)  # heading + 4 calls
    expect(table.get_by_text("INS-20")).to_be_visible()
    expect(table.get_by_text("C2B Single Stage").first).to_be_visible()
    screenshot(page, "table")
    # Plotly (the partial bundle) is fetched only when the charts are first shown.
    assert not page.evaluate("!!window.Plotly")
    expect(page.get_by_text("The charts need JavaScript")).to_have_count(0)

    page.get_by_role("tab", name="Chart").click()
    expect(page.get_by_role("tabpanel", name="Table")).to_be_hidden()
    chart = page.locator("#chart-calls")
    expect(chart.locator(".main-svg").first).to_be_visible()
    # Two stacked bar traces (successful, failed), drawn as SVG paths.
    expect(chart.locator("g.trace.bars")).to_have_count(2)
    expect(page.locator("#chart-latency .gtitle")).to_have_text("Latency per day")
    # plotly.css, served as a file, positions the layers: the title sits inside the chart.
    box, title = chart.bounding_box(), chart.locator(".gtitle").bounding_box()
    assert box["y"] <= title["y"] <= box["y"] + box["height"]
    # Plotly's toolbar (top right) does not cover the title, here or on a phone.
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        chart.hover()
        title = chart.locator(".gtitle").bounding_box()
        bar = chart.locator(".modebar").bounding_box()
        assert (
            bar is None
            or title["y"] >= bar["y"] + bar["height"]
            or (title["x"] + title["width"] <= bar["x"])
        ), (width, title, bar)
        screenshot(page, f"chart-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not [e for e in csp_errors if "script" in e.lower()], csp_errors


def test_the_table_works_without_javascript(browser_without_js, live_server, developer):
    _sandbox_calls(live_server.url, developer)
    page = browser_without_js
    _sign_in(page, live_server, developer)
    page.goto("/reports/")
    page.get_by_label("Date range").select_option(label="Last 7 days")
    page.get_by_role("button", name="Generate report").click()
    page.wait_for_url(re.compile(r"/reports/[0-9a-f-]{36}/(#.*)?$"), wait_until="domcontentloaded")
    assert page.url.endswith(f"/reports/{Report.objects.get(user=developer).public_id}/")
    expect(page.get_by_role("heading", name="Calls")).to_be_visible()
    expect(page.locator("table.report-table tbody tr")).to_have_count(4)
    # The note is in <noscript> (Playwright's no-JavaScript mode still parses with
    # scripting on, so it is checked as markup here; a browser without JS shows it).
    note = page.locator("#panel-chart noscript").inner_html()
    assert "The charts need JavaScript" in note


@pytest.fixture
def browser_without_js(_browser, live_server, transactional_db):
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_choosing_a_retired_key_snaps_the_range_to_its_period(page, live_server, developer):
    from datetime import timedelta

    from django.utils import timezone

    from accounts import services as account_services

    old_key = developer.api_key
    old_key.created_at = timezone.now() - timedelta(days=40)
    old_key.save(update_fields=["created_at"])
    account_services.renew_api_key(developer, overlap=timedelta(0))
    old_key.refresh_from_db()
    assert not old_key.is_active
    _sign_in(page, live_server, developer)

    page.goto("/reports/")
    page.get_by_label("API key").select_option(str(old_key.public_id))

    expect(page.get_by_label("Date range")).to_have_value("custom")
    expect(page.get_by_label("From")).to_have_value(f"{old_key.created_at:%Y-%m-%d}")
    expect(page.get_by_label("To")).to_have_value(f"{old_key.retired_at:%Y-%m-%d}")
