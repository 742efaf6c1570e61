"""Partner API /reports/api/v1/: bearer auth, calls and summary as JSON and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from accounts import services
from tests.reports.conftest import FAILED, assert_near_percentile, bearer_for, utc

CALLS = reverse("reports:api-calls")
SUMMARY = reverse("reports:api-summary")
KEYS = reverse("reports:api-keys")
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


@pytest.fixture
def partner(client, developer):
    """A client sending the developer's gateway bearer."""
    client.defaults["HTTP_AUTHORIZATION"] = bearer_for(developer.api_key_plaintext)
    return client


@pytest.fixture
def calls(developer, make_call):
    key = developer.api_key
    return [
        make_call(key, at=utc(2026, 11, 10, 9), transaction_id="TXAPI00001", latency_ms=10.0),
        make_call(key, at=utc(2026, 11, 11, 9), transaction_id="TXAPI00002", latency_ms=20.0),
        make_call(
            key,
            at=utc(2026, 11, 12, 9),
            transaction_id="TXAPI00003",
            operation="reversal",
            **FAILED,
        ),
    ]


def test_calls_with_a_valid_bearer(partner, calls):
    response = partner.get(CALLS, NOVEMBER)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [c["transaction_id"] for c in body["results"]] == [
        "TXAPI00003",
        "TXAPI00002",
        "TXAPI00001",
    ]
    newest = body["results"][0]
    assert newest["id"] == str(calls[2].public_id)
    assert newest["api"] == "reversal"
    assert newest["api_name"] == "Reversal"
    assert newest["result_code"] == "INS-10"
    assert newest["http_status"] == 409
    assert newest["success"] is False
    assert newest["mode"] == "sync"
    assert newest["amount"] == "10.00"


def test_calls_are_paginated(partner, calls):
    first = partner.get(CALLS, {**NOVEMBER, "page_size": 2}).json()
    assert len(first["results"]) == 2
    assert first["next"] is not None
    second = partner.get(CALLS, {**NOVEMBER, "page_size": 2, "page": 2}).json()
    assert [c["transaction_id"] for c in second["results"]] == ["TXAPI00001"]


def test_calls_with_the_same_filters_as_the_page(partner, calls):
    body = partner.get(CALLS, {**NOVEMBER, "api": "c2bPayment"}).json()
    assert body["count"] == 2
    body = partner.get(CALLS, {**NOVEMBER, "outcome": "failure"}).json()
    assert [c["transaction_id"] for c in body["results"]] == ["TXAPI00003"]
    body = partner.get(CALLS, {"date_from": "2026-11-11", "date_to": "2026-11-11"}).json()
    assert [c["transaction_id"] for c in body["results"]] == ["TXAPI00002"]


def test_calls_as_csv(partner, calls):
    response = partner.get(CALLS, {**NOVEMBER, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["transaction_id"] for r in rows] == ["TXAPI00001", "TXAPI00002", "TXAPI00003"]
    assert text.splitlines()[0].startswith("time,api,api_name,market,amount,msisdn")


def test_csv_by_accept_header(partner, calls):
    response = partner.get(CALLS, NOVEMBER, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_summary_with_a_valid_bearer(partner, developer, calls):
    response = partner.get(SUMMARY, NOVEMBER)
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == str(developer.api_key.public_id)
    assert body["calls"] == 3
    assert body["successes"] == 2
    assert body["success_rate"] == 66.7
    # From the latency histograms, like the Reports page: 10, 12.5 (factory default), 20.
    assert_near_percentile(body["latency_p50_ms"], [10.0, 12.5, 20.0], 0.5)
    assert_near_percentile(body["latency_p95_ms"], [10.0, 12.5, 20.0], 0.95)
    assert {r["operation"]: r["calls"] for r in body["per_api"]} == {
        "c2bPayment": 2,
        "reversal": 1,
    }
    assert [d["date"] for d in body["per_day"]] == ["2026-11-10", "2026-11-11", "2026-11-12"]


def test_summary_as_csv_is_one_line_per_day(partner, calls):
    response = partner.get(SUMMARY, {**NOVEMBER, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["date"], r["calls"], r["failures"]) for r in rows] == [
        ("2026-11-10", "1", "0"),
        ("2026-11-11", "1", "0"),
        ("2026-11-12", "1", "1"),
    ]


def test_keys_lists_active_and_retired_keys(partner, client, developer):
    old = developer.api_key
    new, plaintext = services.renew_api_key(developer)
    client.defaults["HTTP_AUTHORIZATION"] = bearer_for(plaintext)
    body = client.get(KEYS).json()
    assert [(k["id"], k["is_active"]) for k in body] == [
        (str(new.public_id), True),
        (str(old.public_id), False),
    ]


def test_a_retired_keys_calls_are_reachable_with_the_new_keys_bearer(client, developer, make_call):
    old = developer.api_key
    make_call(old, at=utc(2026, 11, 10, 9), transaction_id="TXOLD00001")
    new, plaintext = services.renew_api_key(developer)
    make_call(new, at=utc(2026, 11, 11, 9), transaction_id="TXNEW00001")
    client.defaults["HTTP_AUTHORIZATION"] = bearer_for(plaintext)

    default = client.get(CALLS, NOVEMBER).json()
    assert [c["transaction_id"] for c in default["results"]] == ["TXNEW00001"]
    chosen = client.get(CALLS, {**NOVEMBER, "key": str(old.public_id)}).json()
    assert [c["transaction_id"] for c in chosen["results"]] == ["TXOLD00001"]


def test_a_retired_keys_bearer_is_refused(client, developer, calls):
    old_bearer = bearer_for(developer.api_key_plaintext)
    services.renew_api_key(developer)
    response = client.get(CALLS, NOVEMBER, HTTP_AUTHORIZATION=old_bearer)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["status"] == 401
    assert "TXAPI" not in response.content.decode()


def test_another_developers_key_is_refused(partner, other_developer, make_call):
    make_call(other_developer.api_key, at=utc(2026, 11, 10, 9), transaction_id="TXOTHER001")
    for url in (CALLS, SUMMARY):
        response = partner.get(url, {**NOVEMBER, "key": str(other_developer.api_key.public_id)})
        assert response.status_code == 404
        assert response.json() == {
            "error": {"status": 404, "code": "not_found", "message": "No such API key among yours."}
        }
    csv_response = partner.get(
        CALLS, {**NOVEMBER, "key": str(other_developer.api_key.public_id), "format": "csv"}
    )
    assert csv_response.status_code == 404
    assert csv_response["Content-Type"] == "application/json"


def test_another_developers_bearer_sees_only_their_own_calls(client, other_developer, calls):
    client.defaults["HTTP_AUTHORIZATION"] = bearer_for(other_developer.api_key_plaintext)
    assert client.get(CALLS, NOVEMBER).json()["count"] == 0


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer not-base64!", "Basic dXNlcjpwYXNz", "Bearer " + "A" * 684],
)
def test_missing_or_invalid_bearer_is_401(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(CALLS, **extra)
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_a_session_cookie_is_not_a_partner_credential(developer_client):
    assert developer_client.get(CALLS).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-11-30", "date_to": "2026-11-01"}, "date_to"),
        ({"date_from": "2020-01-01", "date_to": "2026-11-01"}, "date_to"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"outcome": "maybe"}, "outcome"),
        ({"key": "not-a-uuid"}, "key"),
        ({"result_code": "INS 0'"}, "result_code"),
    ],
)
def test_invalid_parameters_are_400_in_one_shape(partner, params, field):
    response = partner.get(CALLS, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_wrong_method_is_405(partner):
    response = partner.post(CALLS, {})
    assert response.status_code == 405
    assert response.json()["error"]["status"] == 405


def test_schema_describes_the_partner_api(client, db):
    response = client.get(reverse("reports:api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        "/reports/api/v1/keys/",
        "/reports/api/v1/calls/",
        "/reports/api/v1/summary/",
    }
    assert schema["components"]["securitySchemes"]["gatewayBearer"]["scheme"] == "bearer"
    params = {p["name"] for p in schema["paths"]["/reports/api/v1/calls/"]["get"]["parameters"]}
    assert {"key", "date_from", "date_to", "api", "outcome", "result_code", "page"} <= params
    summary = next(
        component
        for component in schema["components"]["schemas"].values()
        if "latency_p95_ms" in component.get("properties", {})
    )
    assert "within 2 %" in summary["properties"]["latency_p95_ms"]["description"]


def test_default_range_is_the_last_30_days(partner, developer, make_call):
    from django.utils import timezone

    make_call(developer.api_key, at=timezone.now())
    body = partner.get(SUMMARY).json()
    assert body["calls"] == 1
    assert date.fromisoformat(body["date_to"]) - date.fromisoformat(body["date_from"]) == (
        date(2026, 1, 30) - date(2026, 1, 1)
    )
