"""The roll-up into 15-minute slots: summaries from slots + tail equal the raw calls."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.utils import timezone

from reports import histogram, queries, rollup
from reports.models import CallSlot, LatencyBucket, RollupMark
from reports.queries import Selection
from tests.reports.conftest import FAILED, utc

pytestmark = pytest.mark.django_db


def _raw_summary(selection, monkeypatch) -> dict:
    """The summary computed from the calls alone (the roll-up switched off)."""
    with monkeypatch.context() as patch:
        patch.setattr(queries, "_rolled_up_until", lambda s: s.start)
        return queries.summarize(selection)


def _traffic(key, make_call, start, *, hours: int, every_minutes: int = 7):
    at = start
    i = 0
    while at < start + timedelta(hours=hours):
        extra = FAILED if i % 4 == 0 else {}
        op = "reversal" if i % 3 == 0 else "c2bPayment"
        make_call(key, at=at, operation=op, latency_ms=float(5 + (i * 37) % 90), **extra)
        at += timedelta(minutes=every_minutes)
        i += 1
    return i


@pytest.mark.parametrize("tz", ["UTC", "Africa/Nairobi", "Asia/Kolkata", "Asia/Kathmandu"])
def test_slots_give_the_same_summary_as_the_calls(developer, make_call, monkeypatch, tz):
    key = developer.api_key
    _traffic(key, make_call, utc(2026, 11, 9, 17), hours=16)  # across local midnights
    selection = Selection(key, date(2026, 11, 9), date(2026, 11, 10), tz=ZoneInfo(tz))
    rollup.roll_up(key)

    from_slots = queries.summarize(selection)

    assert CallSlot.objects.filter(api_key=key).exists()
    assert from_slots == _raw_summary(selection, monkeypatch)
    assert sum(d["calls"] for d in from_slots["per_day"]) == from_slots["calls"]


def test_filters_apply_to_slots_too(developer, make_call, monkeypatch):
    key = developer.api_key
    _traffic(key, make_call, utc(2026, 11, 10, 6), hours=6)
    rollup.roll_up(key)
    for filters in (
        {"operation": "reversal"},
        {"outcome": "success"},
        {"outcome": "failure"},
        {"result_code": "INS-10"},
        {"operation": "c2bPayment", "outcome": "failure"},
    ):
        selection = Selection(key, date(2026, 11, 10), date(2026, 11, 10), **filters)
        assert queries.summarize(selection) == _raw_summary(selection, monkeypatch), filters


def test_recent_calls_are_read_from_the_tail_and_merged(developer, make_call, monkeypatch):
    key = developer.api_key
    now = timezone.now()
    # Calls an hour ago (settled, rolled up) and a minute ago (the tail), same day or not.
    make_call(key, at=now - timedelta(hours=1), latency_ms=10.0)
    make_call(key, at=now - timedelta(hours=1), latency_ms=30.0, **FAILED)
    make_call(key, at=now - timedelta(minutes=1), latency_ms=50.0)
    today = now.date()
    selection = Selection(key, today - timedelta(days=1), today)
    rollup.roll_up(key)

    summary = queries.summarize(selection)

    mark = RollupMark.objects.get(api_key=key).rolled_until
    assert now - timedelta(minutes=21) < mark <= now - rollup.SETTLE
    assert CallSlot.objects.filter(api_key=key).aggregate(n=Sum("calls"))["n"] == 2
    assert summary["calls"] == 3
    assert summary["successes"] == 2
    assert summary == _raw_summary(selection, monkeypatch)


def test_roll_up_is_incremental_and_never_counts_twice(developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9, 1))
    first = rollup.roll_up(key, now=utc(2026, 11, 10, 10))
    assert first == utc(2026, 11, 10, 9, 45)  # 10:00 - 5 min, floored to the slot
    assert rollup.roll_up(key, now=utc(2026, 11, 10, 10)) == first  # nothing to do
    make_call(key, at=utc(2026, 11, 10, 9, 50))
    make_call(key, at=utc(2026, 11, 10, 11, 0))
    rollup.roll_up(key, now=utc(2026, 11, 10, 12))
    slots = CallSlot.objects.filter(api_key=key).order_by("slot_start")
    assert [(s.slot_start, s.calls) for s in slots] == [
        (utc(2026, 11, 10, 9, 0), 1),
        (utc(2026, 11, 10, 9, 45), 1),
        (utc(2026, 11, 10, 11, 0), 1),
    ]


def _histogram(key, hours):
    rows = LatencyBucket.objects.filter(api_key=key, hours=hours).order_by("period_start")
    totals: dict = {}
    for row in rows:
        totals[row.period_start] = totals.get(row.period_start, 0) + row.calls
    return totals


def test_latency_histograms_are_recounted_never_counted_twice(developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9, 1), latency_ms=10.0)
    rollup.roll_up(key, now=utc(2026, 11, 10, 9, 40))  # mark 09:30, inside the hour
    make_call(key, at=utc(2026, 11, 10, 9, 50), latency_ms=10.0)
    make_call(key, at=utc(2026, 11, 10, 11, 0), latency_ms=500.0)
    make_call(key, at=utc(2026, 11, 11, 1, 0), latency_ms=20.0)
    rollup.roll_up(key, now=utc(2026, 11, 11, 2))

    assert _histogram(key, LatencyBucket.HOUR) == {
        utc(2026, 11, 10, 9): 2,
        utc(2026, 11, 10, 11): 1,
        utc(2026, 11, 11, 1): 1,
    }
    assert _histogram(key, LatencyBucket.DAY) == {utc(2026, 11, 10): 3, utc(2026, 11, 11): 1}
    nine = LatencyBucket.objects.get(api_key=key, hours=LatencyBucket.HOUR, period_start__hour=9)
    assert (nine.bucket, nine.calls, nine.operation, nine.is_success) == (
        histogram.bucket_of(10.0),
        2,
        "c2bPayment",
        True,
    )
    rollup.reset(key)
    assert not LatencyBucket.objects.filter(api_key=key).exists()


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu"])
def test_percentiles_over_days_equal_those_of_the_calls(developer, make_call, monkeypatch, tz):
    # Four days: UTC days in the middle, hours at the edges, raw calls for the :30 / :45.
    key = developer.api_key
    _traffic(key, make_call, utc(2026, 11, 8, 12), hours=96, every_minutes=13)
    selection = Selection(key, date(2026, 11, 9), date(2026, 11, 11), tz=ZoneInfo(tz))
    rollup.roll_up(key)

    summary = queries.summarize(selection)

    assert LatencyBucket.objects.filter(api_key=key, hours=LatencyBucket.DAY).exists()
    assert summary == _raw_summary(selection, monkeypatch)


def test_slot_keeps_latency_sum_and_max(developer, make_call):
    key = developer.api_key
    for latency in (10.0, 20.0, 60.0):
        make_call(key, at=utc(2026, 11, 10, 9, 3), latency_ms=latency)
    rollup.roll_up(key)
    slot = CallSlot.objects.get(api_key=key)
    assert (slot.calls, slot.latency_sum_ms, slot.latency_max_ms) == (3, 90.0, 60.0)
    assert slot.slot_start == utc(2026, 11, 10, 9, 0)


def test_another_keys_calls_are_not_rolled_into_this_key(developer, other_developer, make_call):
    make_call(developer.api_key, at=utc(2026, 11, 10, 9))
    make_call(other_developer.api_key, at=utc(2026, 11, 10, 9))
    rollup.roll_up(developer.api_key)
    assert CallSlot.objects.get().api_key == developer.api_key


def test_roll_up_works_while_queries_are_logged(developer, make_call, settings):
    # DEBUG on: Django formats each SQL statement with its parameters for the query log,
    # which trips over a literal % left single in the SQL.
    settings.DEBUG = True
    make_call(developer.api_key, at=utc(2026, 11, 10, 9, 7))
    rollup.roll_up(developer.api_key)
    assert CallSlot.objects.get().slot_start == utc(2026, 11, 10, 9, 0)


def test_upgrading_forgets_roll_ups_made_without_histograms(developer, make_call, monkeypatch):
    """Migration 0004: slots rolled up before it have no histograms, so every key's
    roll-up is forgotten and the next roll-up (Generate or beat) rolls its history up
    again, percentiles included."""
    import importlib

    from django.apps import apps

    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9), latency_ms=10.0)
    make_call(key, at=utc(2026, 11, 10, 10), latency_ms=30.0)
    rollup.roll_up(key)
    LatencyBucket.objects.all().delete()  # as rolled up by the previous version
    migration = importlib.import_module("reports.migrations.0004_latency_buckets")

    migration.forget_rollups(apps, None)

    assert not RollupMark.objects.exists() and not CallSlot.objects.exists()
    selection = Selection(key, date(2026, 11, 10), date(2026, 11, 10))
    rollup.roll_up(key)  # what the next Generate or beat run does
    summary = queries.summarize(selection)
    assert LatencyBucket.objects.filter(api_key=key).exists()
    assert summary == _raw_summary(selection, monkeypatch)
    assert summary["latency_p95_ms"] is not None


def test_a_summary_only_reads(developer, make_call, monkeypatch):
    """Query functions never roll up: before any roll-up the summary comes from the raw
    calls and leaves no slot, mark or histogram behind; after a partial roll-up it reads
    the slots up to the mark and the raw calls after it, and the mark does not move."""
    key = developer.api_key
    _traffic(key, make_call, utc(2026, 11, 10, 6), hours=6)
    selection = Selection(key, date(2026, 11, 10), date(2026, 11, 10))

    before = queries.summarize(selection)

    assert not RollupMark.objects.exists()
    assert not CallSlot.objects.exists() and not LatencyBucket.objects.exists()
    assert before == _raw_summary(selection, monkeypatch)
    mark = rollup.roll_up(key, now=utc(2026, 11, 10, 9, 5))  # settled up to 09:00
    assert mark == utc(2026, 11, 10, 9)

    after = queries.summarize(selection)

    assert RollupMark.objects.get(api_key=key).rolled_until == mark
    assert after == before
