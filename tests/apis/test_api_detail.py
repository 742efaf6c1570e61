"""The per-API documentation page: tables generated from the catalogue, samples, calls."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from accounts import keys, services
from apis.docs import API_KEY_PLACEHOLDER, PUBLIC_KEY_PLACEHOLDER, param_format
from catalog import MARKETS, all_apis, get_api
from tests.factories import ApiCallFactory, ApiKeyFactory

pytestmark = pytest.mark.django_db


def _url(slug: str, **query) -> str:
    url = reverse("apis:api-detail", args=[slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _section(page: str, section_id: str) -> str:
    """The HTML from the heading with `section_id` to the next h2."""
    start = page.index(f'id="{section_id}"')
    end = page.find("<h2", start + 1)
    return page[start : end if end != -1 else len(page)]


@pytest.mark.parametrize("api", all_apis(), ids=lambda a: a.slug)
def test_every_catalogue_field_appears_in_its_table(client, api):
    response = client.get(_url(api.slug))

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    params = _section(page, "request-parameters")
    for p in api.params:
        assert p.name in params
        assert p.description in params
        assert p.type in params
        assert param_format(p) in params
        assert p.error_code in params
        assert ("Required" if p.required else "Optional") in params
        if p.example:
            assert p.example in params
        for value in p.possible_values:
            assert value in params
    responses = _section(page, "response-parameters")
    for f in api.response_fields:
        assert f.name in responses and f.description in responses and f.example in responses
    codes = _section(page, "result-codes")
    for r in api.result_codes:
        row = re.search(rf'<tr id="result-{r.code}">(.*?)</tr>', codes, re.S)
        assert row, r.code
        assert str(r.http_status) in row.group(1) and r.description in row.group(1)
    if api.supports_async:
        callback = _section(page, "callback")
        for f in api.callback_fields:
            assert f.name in callback and f.description in callback
    triggers = _section(page, "triggers")
    for t in api.triggers:
        assert t.field in triggers and t.value in triggers and t.description in triggers
        assert f"#result-{t.code}" in triggers
        for name, value in t.outputs:
            assert name in triggers and value in triggers
    markets = _section(page, "markets")
    for slug in api.markets:
        m = MARKETS[slug]
        assert m.slug in markets and m.name in markets
        assert m.country in markets and m.currency in markets
    assert api.summary in page and api.description in page


def test_resource_url_shows_sandbox_on_this_portal_and_live(client, settings):
    settings.PUBLIC_BASE_URL = ""
    settings.LIVE_BASE_URL = "https://openapi.m-pesa.com:443/openapi/ipg/v2"

    page = html.unescape(client.get(_url("c2bPayment")).content.decode())

    table = _section(page, "resource-url")
    assert "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/" in table
    assert "<code>testserver</code>" in table and "<td>80</td>" in table
    assert "/openapi/ipg/v2/vodafoneGHA/c2bPayment/singleStage/" in table
    assert "<code>openapi.m-pesa.com</code>" in table and "<td>443</td>" in table
    assert "<td>POST</td>" in table


def test_public_base_url_setting_wins_over_the_request_host(developer_client, settings):
    settings.PUBLIC_BASE_URL = "https://portal.example.com:8443"

    page = html.unescape(developer_client.get(_url("reversal")).content.decode())

    assert "<code>portal.example.com</code>" in _section(page, "resource-url")
    assert 'address="portal.example.com"' in page and "port=8443" in page and "ssl=True" in page


def test_market_query_switches_the_resource_url_and_sample_values(client):
    page = html.unescape(client.get(_url("c2bPayment", market="vodacomTZN")).content.decode())

    assert "/sandbox/ipg/v2/vodacomTZN/c2bPayment/singleStage/" in page
    assert 'add_parameter("input_Currency", "TZS")' in page


def test_unknown_market_falls_back_to_the_first(client):
    response = client.get(_url("c2bPayment", market="nowhere"))
    assert response.status_code == 200
    assert "/sandbox/ipg/v2/vodafoneGHA/" in response.content.decode()


def test_signed_in_page_has_the_key_placeholder_and_the_current_public_key(
    developer_client, developer
):
    """A page's GET HTML never carries the API key: the samples hold its placeholder and
    "Fill in my key" fetches it by POST."""
    public_key = keys.current_keypair().public_key_b64

    page = html.unescape(developer_client.get(_url("c2bPayment")).content.decode())

    samples = _section(page, "samples")
    for language in ("java", "python", "curl", "node", "php", "csharp"):
        code = re.search(rf'id="code-{language}"[^>]*>(.*?)</code>', samples, re.S).group(1)
        assert API_KEY_PLACEHOLDER in code, language
        assert public_key in code, language
    assert developer.api_key_plaintext not in page
    assert PUBLIC_KEY_PLACEHOLDER not in page
    assert "Fill in my key" in page


def test_no_page_carries_a_renewed_key(developer_client, developer):
    _, new_plaintext = services.renew_api_key(developer)

    for slug in ("reversal", "c2bPayment"):
        page = html.unescape(developer_client.get(_url(slug)).content.decode())
        assert new_plaintext not in page
        assert developer.api_key_plaintext not in page


def test_anonymous_visitor_sees_placeholders(client, developer):
    page = html.unescape(client.get(_url("c2bPayment")).content.decode())

    assert page.count(API_KEY_PLACEHOLDER) >= 6 and page.count(PUBLIC_KEY_PLACEHOLDER) >= 6
    assert developer.api_key_plaintext not in page
    assert keys.current_keypair().public_key_b64 not in page
    assert 'id="open-console"' not in page  # the console needs an account


def test_recent_calls_show_only_the_developers_calls_of_this_api(developer_client, developer):
    mine = ApiCallFactory(
        api_key=developer.api_key,
        operation="reversal",
        response_body={"output_ResponseCode": "INS-0", "output_Marker": "mine-reversal"},
    )
    ApiCallFactory(
        api_key=developer.api_key,
        operation="c2bPayment",
        response_body={"output_Marker": "mine-c2b"},
    )
    other_key = ApiKeyFactory()
    ApiCallFactory(
        api_key=other_key, operation="reversal", response_body={"output_Marker": "theirs"}
    )

    page = html.unescape(developer_client.get(_url("reversal")).content.decode())

    calls = page[page.index('id="recent-calls"') :]
    assert "mine-reversal" in calls and mine.result_code in calls
    assert "mine-c2b" not in calls and "theirs" not in calls


def test_recent_calls_are_the_latest_ten(developer_client, developer):
    for n in range(12):
        ApiCallFactory(
            api_key=developer.api_key, operation="reversal", response_body={"n": f"call-{n:02d}"}
        )

    page = developer_client.get(_url("reversal")).content.decode()

    assert page.count("<details>") == 10
    assert "call-11" in page and "call-00" not in page and "call-01" not in page


def test_console_data_is_passed_with_json_script_not_inline_script(developer_client):
    page = developer_client.get(_url("queryTransactionStatus")).content.decode()

    assert '<script id="console-data" type="application/json">' in page
    tags = re.findall(r"<script[^>]*>", page)
    assert tags and all("src=" in t or 'type="application/json"' in t for t in tags)


def test_unknown_api_is_404(client):
    assert client.get(_url("noSuchApi")).status_code == 404


def test_post_is_not_allowed(developer_client):
    assert developer_client.post(_url("c2bPayment")).status_code == 405


def test_get_session_page_has_no_parameters_and_no_callback(client):
    api = get_api("getSession")
    page = client.get(_url(api.slug)).content.decode()
    assert "This API takes no parameters" in page
    assert 'id="callback"' not in page
