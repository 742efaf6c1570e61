"""GET /reports/<id>/: summary, sortable paginated table, chart data."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.queries import Selection
from tests.reports.conftest import FAILED, assert_near_percentile, utc


def _report(user, key, start=date(2026, 11, 1), end=date(2026, 11, 30), **filters):
    return services.generate_report(user, selection=Selection(key, start, end, **filters))


def url(report):
    return reverse("reports:report-detail", args=[report.public_id])


def test_shows_summary_table_and_chart_data(developer_client, developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9, 15), transaction_id="TXA0000001", latency_ms=10.0)
    make_call(
        key, at=utc(2026, 11, 11, 9, 30), transaction_id="TXB0000002", latency_ms=30.0, **FAILED
    )
    report = _report(developer, key)

    response = developer_client.get(url(report))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd data-stat="calls">2</dd>' in html
    assert '<dd data-stat="successes">1</dd>' in html
    assert '<dd data-stat="success-rate">50.0 %</dd>' in html
    p50 = report.summary["latency_p50_ms"]
    assert_near_percentile(p50, [10.0, 30.0], 0.5)
    # Shown as the estimate it is, with its accuracy stated next to it.
    assert f'<dd data-stat="p50">≈ {p50} ms</dd>' in html
    assert "within 2 % of the exact value" in html
    assert "TXA0000001" in html and "TXB0000002" in html
    assert "C2B Single Stage" in html  # the catalogue's name, not the slug
    assert "Duplicate Transaction" in html
    assert html.index("TXB0000002") < html.index("TXA0000001")  # newest first
    chart = response.context["chart_data"]
    assert [d["date"] for d in chart["per_day"]] == ["2026-11-10", "2026-11-11"]
    assert 'id="report-chart-data"' in html
    assert "vendor/plotly/plotly-basic.min.js" in html
    assert reverse("reports:report-csv", args=[report.public_id]) in html


def test_times_show_in_the_developers_timezone(developer_client, developer, make_call):
    developer.timezone = "Africa/Nairobi"
    developer.save(update_fields=["timezone"])
    make_call(developer.api_key, at=utc(2026, 11, 10, 21, 30))  # 00:30 on the 11th in Nairobi
    report = _report(
        developer,
        developer.api_key,
        date(2026, 11, 11),
        date(2026, 11, 11),
        tz=services.queries.zone("Africa/Nairobi"),
    )
    html = developer_client.get(url(report)).content.decode()
    assert "2026-11-11 00:30:00" in html
    assert report.summary["per_day"][0]["date"] == "2026-11-11"


def test_table_is_paginated_and_sortable(developer_client, developer, make_call):
    key = developer.api_key
    for i in range(55):
        make_call(
            key,
            at=utc(2026, 11, 10, 9) + timedelta(minutes=i),
            latency_ms=float(i),
            transaction_id=f"TXN{i:07d}",
        )
    report = _report(developer, key)

    first = developer_client.get(url(report))
    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["page"].object_list) == 50
    assert "TXN0000054" in first.content.decode()
    assert "TXN0000004" not in first.content.decode()
    assert "sort=latency" in first.content.decode()

    second = developer_client.get(url(report), {"page": 2})
    assert [r["transaction_id"] for r in second.context["page"]] == [
        f"TXN{i:07d}" for i in range(4, -1, -1)
    ]

    by_latency = developer_client.get(url(report), {"sort": "latency"})
    rows = list(by_latency.context["page"])
    assert rows[0]["latency_ms"] == 0.0 and rows[-1]["latency_ms"] == 49.0
    assert 'aria-sort="ascending"' in by_latency.content.decode()

    junk = developer_client.get(url(report), {"sort": "password", "page": "x"})
    assert junk.status_code == 200
    assert junk.context["sort"] == "-time"
    assert junk.context["page"].number == 1


def test_a_report_is_a_snapshot_of_the_calls_before_generate(
    developer_client, developer, make_call
):
    today = timezone.now().date()
    make_call(
        developer.api_key, at=timezone.now() - timedelta(seconds=5), transaction_id="TXBEFORE01"
    )
    report = _report(developer, developer.api_key, today, today)
    make_call(
        developer.api_key, at=timezone.now() + timedelta(seconds=1), transaction_id="TXAFTER001"
    )

    response = developer_client.get(url(report))

    # The table matches the saved summary (and needs no COUNT over the range).
    assert response.context["page"].paginator.count == report.summary["calls"] == 1
    html = response.content.decode()
    assert "TXBEFORE01" in html and "TXAFTER001" not in html
    csv_text = b"".join(
        developer_client.get(
            reverse("reports:report-csv", args=[report.public_id])
        ).streaming_content
    ).decode()
    assert "TXBEFORE01" in csv_text and "TXAFTER001" not in csv_text
    assert report.calls_until is not None


def test_empty_report_says_so(developer_client, developer):
    report = _report(developer, developer.api_key)
    html = developer_client.get(url(report)).content.decode()
    assert "No calls in this range" in html


def test_empty_report_of_a_retired_key_says_when_it_was_in_use(developer_client, developer):
    key = developer.api_key
    key.retired_at = timezone.now() - timedelta(days=3)
    key.save(update_fields=["retired_at"])
    today = timezone.now().date()
    report = _report(developer, key, today - timedelta(days=1), today)

    html = developer_client.get(url(report)).content.decode()

    assert 'data-empty-advice="retired"' in html
    assert f"this key was retired on {key.retired_at:%Y-%m-%d}" in html
    assert "Make some calls" not in html
    # No chart without calls: Plotly is not even referenced.
    assert "plotly" not in html


def test_another_developers_report_is_404(client, developer, other_developer):
    report = _report(other_developer, other_developer.api_key)
    client.force_login(developer)
    assert client.get(url(report)).status_code == 404
    assert client.get(reverse("reports:report-csv", args=[report.public_id])).status_code == 404


def test_anonymous_is_sent_to_sign_in(anonymous_client, developer):
    report = _report(developer, developer.api_key)
    response = anonymous_client.get(url(report))
    assert response.status_code == 302


def test_wrong_method_is_refused(developer_client, developer):
    report = _report(developer, developer.api_key)
    assert developer_client.post(url(report)).status_code == 405
