"""Finding 4: extreme input is a client error, never a 500 with a traceback.

(a) A gateway body nested 100,000 deep made json.loads raise RecursionError: 500 INS-1
and a full traceback logged per request. It is malformed JSON: 400 INS-21, and the
request is logged in one line.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client

from reports.models import Report
from tests.sandbox.helpers import bearer_for

pytestmark = pytest.mark.django_db

C2B = "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/"


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 50_000])
def test_deeply_nested_gateway_body_is_malformed_json(developer, caplog, body):
    cache.clear()
    client = Client()
    bearer = bearer_for(developer.api_key_plaintext)
    caplog.set_level(logging.INFO)

    response = client.post(
        C2B, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )

    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-21"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert len([r for r in caplog.records if C2B in r.getMessage()]) <= 1


# (b) Dates at the ends of the calendar: date_to=9999-12-31 overflowed (OverflowError, 500)
# when the last day was turned into the next midnight. Every date filter is bounded.

CALLS = "/reports/api/v1/calls/"
SUMMARY = "/reports/api/v1/summary/"
EXTREME_DATES = [
    {"date_to": "9999-12-31"},
    {"date_from": "9999-12-31"},
    {"date_from": "0001-01-01", "date_to": "0001-01-02"},
]


@pytest.mark.parametrize("url", [CALLS, SUMMARY])
@pytest.mark.parametrize("query", EXTREME_DATES)
def test_partner_api_answers_400_for_dates_out_of_range(developer, url, query):
    cache.clear()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer_for(developer.api_key_plaintext)}")

    response = client.get(url, query)

    assert response.status_code == 400, response.content[:500]
    field = next(iter(query))
    assert "Enter a date between 1900-01-01 and 2999-12-31." in str(response.json())
    assert field in str(response.json())


@pytest.mark.parametrize("query", EXTREME_DATES)
def test_callbacks_page_shows_a_form_error_for_dates_out_of_range(developer_client, query):
    response = developer_client.get("/sandbox/callbacks/", query)

    assert response.status_code == 200
    assert "Enter a date between 1900-01-01 and 2999-12-31." in response.content.decode()


@pytest.mark.parametrize("query", EXTREME_DATES)
def test_reports_page_shows_a_form_error_for_dates_out_of_range(developer, developer_client, query):
    params = {"range": "custom", "key": str(developer.api_key.public_id), **query}
    response = developer_client.post("/reports/generate/", params)

    assert response.status_code == 400  # the page again, with the error by the field
    assert not Report.objects.exists()
    assert "Enter a date between 1900-01-01 and 2999-12-31." in response.content.decode()


def test_dates_inside_the_bounds_still_work(developer, developer_client):
    cache.clear()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer_for(developer.api_key_plaintext)}")
    query = {"date_from": "2026-11-01", "date_to": "2026-11-30"}

    assert client.get(CALLS, query).status_code == 200
    assert developer_client.get("/sandbox/callbacks/", query).status_code == 200
