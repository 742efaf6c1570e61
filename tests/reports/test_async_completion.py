"""The Reports page's asynchronous completion time (reports/asynccompletion.py): from the
call to the acknowledged callback, p50 and p95 (PERCENTILE_CONT semantics)."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from callbacks.models import CallbackDelivery
from reports import services
from reports.asynccompletion import async_completion, percentile_cont
from reports.queries import Selection
from tests.reports.conftest import utc


def deliver(call, *, after_ms: float | None, status="delivered"):
    return CallbackDelivery.objects.create(
        user=call.user,
        api_call=call,
        operation=call.operation,
        url="http://127.0.0.1:9/cb",
        payload={},
        status=status,
        max_attempts=8,
        next_attempt_at=call.created_at,
        created_at=call.created_at,
        delivered_at=None
        if after_ms is None
        else call.created_at + timedelta(milliseconds=after_ms),
    )


def test_percentile_cont_interpolates_like_postgresql():
    values = [100.0, 200.0, 300.0, 400.0]
    assert percentile_cont(values, 0.5) == 250.0
    assert percentile_cont(values, 0.95) == 385.0
    assert percentile_cont([7.0], 0.95) == 7.0


def test_completion_time_of_acknowledged_async_calls(developer, developer_client, make_call):
    key = developer.api_key
    at = utc(2026, 11, 10, 9)
    for i, ms in enumerate([100, 200, 300, 400]):
        deliver(make_call(key, at=at + timedelta(minutes=i), is_async=True), after_ms=ms)
    # Not counted: still retrying, a sync call, another day.
    deliver(make_call(key, at=at, is_async=True), after_ms=None, status="pending")
    make_call(key, at=at)
    deliver(make_call(key, at=utc(2026, 11, 12, 9), is_async=True), after_ms=99_000)
    selection = Selection(key, date(2026, 11, 10), date(2026, 11, 10))
    assert async_completion(selection) == {"count": 4, "p50_ms": 250.0, "p95_ms": 385.0}

    report = services.generate_report(developer, selection=selection)
    html = developer_client.get(reverse("reports:report-detail", args=[report.public_id]))
    text = html.content.decode()
    assert 'data-stat="async-p50">250 ms' in text and 'data-stat="async-p95">385 ms' in text


def test_no_async_calls(developer, developer_client, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9))
    selection = Selection(key, date(2026, 11, 10), date(2026, 11, 10))
    assert async_completion(selection) == {"count": 0, "p50_ms": None, "p95_ms": None}
