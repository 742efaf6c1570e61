"""Reports know applications: keys grouped by application in the selector, a report over
every key of one application, and the partner API's `application` filter and column."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.keys import default_application, issue_api_key
from accounts.models import Application
from reports.models import Report
from tests.reports.conftest import FAILED, bearer_for, utc

INDEX = reverse("reports:index")
GENERATE = reverse("reports:report-generate")
CALLS = reverse("reports:api-calls")
SUMMARY = reverse("reports:api-summary")
KEYS = reverse("reports:api-keys")
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


@pytest.fixture
def shop(developer):
    """A second application whose key was rolled once: two keys, both with calls."""
    application = Application.objects.create(user=developer, name="Shop")
    application.first_key, _ = issue_api_key(developer, application=application)
    application.key, _ = account_services.renew_api_key(developer, application=application)
    return application


@pytest.fixture
def november_calls(developer, shop, make_call):
    """Default: 1 call. Shop: 2 calls on its retired key, 1 failed on its current one."""
    return {
        "default": [make_call(developer.api_key, at=utc(2026, 11, 10, 9))],
        "shop": [
            make_call(shop.first_key, at=utc(2026, 11, 10, 9), transaction_id="TXSHOP0001"),
            make_call(shop.first_key, at=utc(2026, 11, 11, 9), transaction_id="TXSHOP0002"),
            make_call(shop.key, at=utc(2026, 11, 12, 9), transaction_id="TXSHOP0003", **FAILED),
        ],
    }


# --- The Reports page -----------------------------------------------------------------


def test_the_key_selector_groups_keys_by_application(developer_client, developer, shop):
    html = developer_client.get(INDEX).content.decode()

    default_group = html.index('<optgroup label="Default">')
    shop_group = html.index('<optgroup label="Shop">')
    assert default_group < shop_group  # Default first
    assert html.index(f"…{developer.api_key.last4}") > default_group
    assert html.index(f"…{shop.key.last4}") > shop_group
    assert html.index(f"…{shop.first_key.last4}") > shop_group
    assert '<label for="id_application">Application</label>' in html


def test_a_report_over_an_application_covers_all_of_its_keys(
    developer_client, developer, shop, make_call
):
    now = timezone.now()
    make_call(shop.first_key, at=now - timedelta(minutes=6))
    make_call(shop.key, at=now - timedelta(minutes=5), **FAILED)
    make_call(developer.api_key, at=now - timedelta(minutes=4))  # Default: not counted

    response = developer_client.post(
        GENERATE,
        {"range": "7d", "key": developer.api_key.public_id, "application": shop.public_id},
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert report.api_key == shop.key  # filed under the application's current key
    assert report.filters["application"] == str(shop.public_id)
    assert (report.summary["calls"], report.summary["successes"]) == (2, 1)
    page = developer_client.get(response["Location"]).content.decode()
    assert "Application Shop: all of its keys" in page
    assert page.count("<tr") >= 3  # both calls in the table


def test_another_developers_application_is_not_a_valid_choice(
    developer_client, developer, other_developer
):
    theirs = default_application(other_developer)

    response = developer_client.post(
        GENERATE,
        {"range": "7d", "key": developer.api_key.public_id, "application": theirs.public_id},
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()


def test_an_application_without_keys_is_refused_next_to_the_field(developer_client, developer):
    empty = Application.objects.create(user=developer, name="Empty")

    response = developer_client.post(
        GENERATE,
        {"range": "7d", "key": developer.api_key.public_id, "application": empty.public_id},
    )

    assert response.status_code == 400
    assert "This application has no API key yet." in response.content.decode()
    assert not Report.objects.exists()


# --- The partner API -------------------------------------------------------------------


@pytest.fixture
def partner(client, developer):
    client.defaults["HTTP_AUTHORIZATION"] = bearer_for(developer.api_key_plaintext)
    return client


def test_partner_calls_of_one_application_carry_its_name(partner, shop, november_calls):
    response = partner.get(CALLS, {**NOVEMBER, "application": shop.public_id})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [c["transaction_id"] for c in body["results"]] == [
        "TXSHOP0003",
        "TXSHOP0002",
        "TXSHOP0001",
    ]
    assert {c["application"] for c in body["results"]} == {"Shop"}


def test_partner_calls_of_a_key_name_its_application(partner, november_calls):
    body = partner.get(CALLS, NOVEMBER).json()

    assert body["count"] == 1
    assert body["results"][0]["application"] == "Default"


def test_partner_summary_of_one_application(partner, shop, november_calls):
    response = partner.get(SUMMARY, {**NOVEMBER, "application": shop.public_id})

    assert response.status_code == 200
    body = response.json()
    assert body["application"] == str(shop.public_id)
    assert body["key"] == str(shop.key.public_id)
    assert (body["calls"], body["successes"], body["failures"]) == (3, 2, 1)
    assert body["filters"]["application"] == str(shop.public_id)
    assert sum(day["calls"] for day in body["per_day"]) == 3


def test_partner_csv_of_one_application(partner, shop, november_calls):
    response = partner.get(CALLS, {**NOVEMBER, "application": shop.public_id, "format": "csv"})

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].endswith(",application")
    assert text.count("TXSHOP") == 3 and text.count(",Shop") == 3


def test_partner_another_developers_application_is_404(partner, other_developer):
    theirs = default_application(other_developer)  # it has a key (the persona's)

    for url in (CALLS, SUMMARY):
        response = partner.get(url, {"application": theirs.public_id})
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "No such application among yours."


def test_partner_application_must_be_a_uuid(partner):
    response = partner.get(CALLS, {"application": "shop"})

    assert response.status_code == 400
    assert "application" in response.json()["error"]["fields"]


def test_partner_keys_name_their_application(partner, developer, shop):
    keys = partner.get(KEYS).json()

    by_id = {k["id"]: k for k in keys}
    assert by_id[str(shop.key.public_id)]["application_name"] == "Shop"
    assert by_id[str(shop.key.public_id)]["application"] == str(shop.public_id)
    assert by_id[str(developer.api_key.public_id)]["application_name"] == "Default"


def test_the_openapi_schema_documents_the_application_filter_and_column(client):
    schema = client.get(reverse("reports:api-schema"), {"format": "json"}).json()

    calls = schema["paths"]["/reports/api/v1/calls/"]["get"]
    assert "application" in {p["name"] for p in calls["parameters"]}
    summary = schema["paths"]["/reports/api/v1/summary/"]["get"]
    assert "application" in {p["name"] for p in summary["parameters"]}
    components = schema["components"]["schemas"]
    assert "application" in components["Call"]["properties"]
    assert "application" in components["Summary"]["properties"]
    assert "application_name" in components["ApiKey"]["properties"]
