"""GET /reports/<id>/calls.csv: streamed CSV of the report's calls."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.urls import reverse

from reports import csvexport, services
from reports.queries import Selection, zone
from tests.reports.conftest import FAILED, utc


def _csv(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_headers_and_one_line_per_call(developer_client, developer, make_call):
    developer.timezone = "Africa/Nairobi"
    developer.save(update_fields=["timezone"])
    key = developer.api_key
    call = make_call(
        key,
        at=utc(2026, 11, 10, 9, 0, 1),
        amount=Decimal("12.50"),
        msisdn="233241234567",
        transaction_id="TXCSV00001",
        conversation_id="conv1",
        third_party_conversation_id="=HYPERLINK(1)",
        latency_ms=12.34,
    )
    make_call(
        key,
        at=utc(2026, 11, 10, 10),
        operation="reversal",
        amount=None,
        msisdn="=1+2",  # as a refused call logs what the client sent
        **FAILED,
    )
    selection = Selection(key, date(2026, 11, 10), date(2026, 11, 10), tz=zone("Africa/Nairobi"))
    report = services.generate_report(developer, selection=selection)

    response = developer_client.get(reverse("reports:report-csv", args=[report.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="calls-{key.last4}-2026-11-10-2026-11-10.csv"'
    )
    rows = _csv(response)
    assert list(rows[0].keys()) == list(csvexport.HEADER)
    assert len(rows) == 2
    first, second = rows
    assert first == {
        "time": "2026-11-10T12:00:01.000+03:00",
        "api": "c2bPayment",
        "api_name": "C2B Single Stage",
        "market": "vodafoneGHA",
        "amount": "12.50",
        "msisdn": "233241234567",
        "transaction_id": "TXCSV00001",
        "conversation_id": "conv1",
        "third_party_conversation_id": "'=HYPERLINK(1)",  # no formula in a spreadsheet
        "result_code": "INS-0",
        "result_desc": "Request processed successfully",
        "http_status": "201",
        "latency_ms": "12.3",
        "mode": "sync",
        "success": "true",
        "id": str(call.public_id),
        "application": "Default",
    }
    assert second["api_name"] == "Reversal"
    assert second["amount"] == ""
    assert second["msisdn"] == "'=1+2"
    assert second["result_code"] == "INS-10"
    assert second["http_status"] == "409"
    assert second["success"] == "false"


def test_csv_respects_the_reports_filters(developer_client, developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9))
    make_call(key, at=utc(2026, 11, 10, 9), **FAILED)
    selection = Selection(key, date(2026, 11, 10), date(2026, 11, 10), outcome="failure")
    report = services.generate_report(developer, selection=selection)
    rows = _csv(developer_client.get(reverse("reports:report-csv", args=[report.public_id])))
    assert [r["result_code"] for r in rows] == ["INS-10"]


def test_csv_is_streamed_in_batches(developer, make_call, monkeypatch):
    monkeypatch.setattr(csvexport, "BATCH_BYTES", 200)
    for minute in range(10):
        make_call(developer.api_key, at=utc(2026, 11, 10, 9, minute))
    selection = Selection(developer.api_key, date(2026, 11, 10), date(2026, 11, 10))
    pieces = list(csvexport.rows(selection))
    assert len(pieces) > 2
    assert "".join(pieces).count("\n") == 11


def test_anonymous_is_sent_to_sign_in(anonymous_client, developer):
    report = services.generate_report(
        developer, selection=Selection(developer.api_key, date(2026, 11, 1), date(2026, 11, 2))
    )
    response = anonymous_client.get(reverse("reports:report-csv", args=[report.public_id]))
    assert response.status_code == 302


def test_wrong_method_is_refused(developer_client, developer):
    report = services.generate_report(
        developer, selection=Selection(developer.api_key, date(2026, 11, 1), date(2026, 11, 2))
    )
    url = reverse("reports:report-csv", args=[report.public_id])
    assert developer_client.post(url).status_code == 405
