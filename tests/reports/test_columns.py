"""The columns of a call are defined once (reports.columns): the table, the CSV, the
partner API and Go Live's snapshot all show the same names, headings and values."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.urls import reverse

from golive import evidence
from reports import columns, services
from reports.queries import Selection
from tests.reports.conftest import bearer_for, utc


def test_every_format_carries_the_same_columns(client, developer_client, developer, make_call):
    key = developer.api_key
    call = make_call(key, at=utc(2026, 11, 10, 9), latency_ms=12.34, transaction_id="TXCOL00001")
    report = services.generate_report(
        developer, selection=Selection(key, date(2026, 11, 10), date(2026, 11, 10))
    )
    keys = [column.key for column in columns.COLUMNS]

    csv_text = b"".join(
        developer_client.get(
            reverse("reports:report-csv", args=[report.public_id])
        ).streaming_content
    ).decode()
    client.defaults["HTTP_AUTHORIZATION"] = bearer_for(developer.api_key_plaintext)
    api = client.get(reverse("reports:api-calls"), {"date_from": "2026-11-10"}).json()
    page = developer_client.get(reverse("reports:report-detail", args=[report.public_id]))

    assert next(csv.reader(io.StringIO(csv_text))) == keys
    assert list(api["results"][0]) == keys
    assert api["results"][0]["id"] == str(call.public_id)
    assert [h["label"] for h in page.context["columns"]] == [c.label for c in columns.TABLE]
    cells = [cell.text for cell in page.context["rows"][0]["cells"]]
    assert cells[columns.TABLE.index(columns.BY_KEY["latency_ms"])] == "12.3"
    snapshot_row = evidence.build_snapshot(developer, report)["rows"][0]
    assert (snapshot_row["latency_ms"], snapshot_row["created_at"]) == (
        "12.3",
        "2026-11-10 09:00:00",
    )
    assert api["results"][0]["latency_ms"] == 12.34  # typed, not the rounded text


def test_sortable_columns_order_by_their_own_field():
    assert columns.SORTABLE == {
        "time": "created_at",
        "api": "operation",
        "market": "market",
        "amount": "amount",
        "result": "result_code",
        "status": "http_status",
        "latency": "latency_ms",
    }
