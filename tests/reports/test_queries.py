"""Summary, percentiles and per-day data: the numbers equal the rows."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from reports import histogram, queries
from reports.queries import Outcome, Selection
from tests.reports.conftest import FAILED, assert_near_percentile, utc

pytestmark = pytest.mark.django_db

NAIROBI = ZoneInfo("Africa/Nairobi")  # UTC+3, no DST


def test_summary_numbers_equal_the_rows(developer, make_call):
    key = developer.api_key
    latencies = [5.0, 7.5, 12.0, 40.0, 41.0, 100.0, 250.0]
    for i, latency in enumerate(latencies):
        extra = FAILED if i % 3 == 0 else {}
        make_call(key, at=utc(2026, 11, 10, 9, i), latency_ms=latency, **extra)
    make_call(key, at=utc(2026, 11, 11, 9), operation="reversal", latency_ms=9.0)
    make_call(key, at=utc(2026, 11, 11, 10), operation="reversal", latency_ms=11.0, **FAILED)
    all_latencies = [*latencies, 9.0, 11.0]

    summary = queries.summarize(Selection(key, date(2026, 11, 10), date(2026, 11, 11)))

    assert summary["calls"] == 9
    assert summary["successes"] == 5  # indexes 1, 2, 4, 5 of C2B and one reversal
    assert summary["failures"] == 4
    assert summary["success_rate"] == round(100 * 5 / 9, 1)
    assert_near_percentile(summary["latency_p50_ms"], all_latencies, 0.5)
    assert_near_percentile(summary["latency_p95_ms"], all_latencies, 0.95)
    per_api = {row["operation"]: row for row in summary["per_api"]}
    assert per_api["c2bPayment"]["calls"] == 7
    assert per_api["c2bPayment"]["successes"] == 4
    assert per_api["reversal"]["calls"] == 2
    assert per_api["reversal"]["successes"] == 1
    per_result = {row["result_code"]: row for row in summary["per_result"]}
    assert per_result == {
        "INS-0": {
            "result_code": "INS-0",
            "result_desc": "Request processed successfully",
            "calls": 5,
        },
        "INS-10": {"result_code": "INS-10", "result_desc": "Duplicate Transaction", "calls": 4},
    }
    by_day = {row["date"]: row for row in summary["per_day"]}
    assert by_day["2026-11-10"]["calls"] == 7
    assert by_day["2026-11-10"]["failures"] == 3
    assert by_day["2026-11-10"]["latency_max_ms"] == 250.0
    assert by_day["2026-11-11"]["calls"] == 2
    assert by_day["2026-11-11"]["latency_avg_ms"] == 10.0
    assert by_day["2026-11-11"]["success_rate"] == 50.0


def test_percentiles_on_single_and_even_counts(developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9), latency_ms=3.0)
    for latency in (3.0, 1.0, 10.0, 20.0):
        make_call(key, at=utc(2026, 11, 11, 10), latency_ms=latency)

    single = queries.summarize(Selection(key, date(2026, 11, 10), date(2026, 11, 10)))
    even = queries.summarize(Selection(key, date(2026, 11, 11), date(2026, 11, 11)))

    assert_near_percentile(single["latency_p50_ms"], [3.0], 0.5)
    assert_near_percentile(single["latency_p95_ms"], [3.0], 0.95)
    assert_near_percentile(even["latency_p50_ms"], [3.0, 1.0, 10.0, 20.0], 0.5)
    assert_near_percentile(even["latency_p95_ms"], [3.0, 1.0, 10.0, 20.0], 0.95)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_percentiles_stay_within_the_documented_bound(developer, make_call, seed):
    """Many latencies over four days (hourly and daily histograms and raw calls), with
    and without filters: every p50 / p95 is within 2 % of PERCENTILE_CONT over the rows."""
    rng = random.Random(seed)
    key = developer.api_key
    rows = []
    for _ in range(400):
        at = utc(2026, 11, 9) + timedelta(minutes=rng.randrange(4 * 24 * 60))
        failed = rng.random() < 0.2
        operation = rng.choice(("c2bPayment", "reversal"))
        latency = round(rng.lognormvariate(3.4, 0.8), 1)
        make_call(key, at=at, operation=operation, latency_ms=latency, **(FAILED if failed else {}))
        rows.append((at, operation, failed, latency))
    for tz in ("UTC", "Asia/Kolkata"):
        for filters, keep in (
            ({}, lambda op, failed: True),
            ({"operation": "reversal"}, lambda op, failed: op == "reversal"),
            ({"outcome": Outcome.FAILURE}, lambda op, failed: failed),
        ):
            selection = Selection(
                key, date(2026, 11, 9), date(2026, 11, 11), tz=ZoneInfo(tz), **filters
            )
            latencies = [
                latency
                for at, op, failed, latency in rows
                if selection.start <= at < selection.end and keep(op, failed)
            ]
            summary = queries.summarize(selection)
            assert summary["calls"] == len(latencies), (tz, filters)
            assert_near_percentile(summary["latency_p50_ms"], latencies, 0.5)
            assert_near_percentile(summary["latency_p95_ms"], latencies, 0.95)


def test_histogram_percentiles_interpolate_like_percentile_cont():
    # Buckets of 10 ms and 30 ms: PERCENTILE_CONT(0.5) of {10, 30} is 20; the estimate
    # interpolates between the two buckets' midpoints, each within 2 % of its value.
    counts = {histogram.bucket_of(10.0): 1, histogram.bucket_of(30.0): 1}
    p50, p100 = histogram.percentiles(counts, (0.5, 1.0))
    assert abs(p50 - 20.0) <= 0.02 * 20.0
    assert abs(p100 - 30.0) <= 0.02 * 30.0
    assert histogram.percentiles({}, (0.5,)) == [None]
    assert histogram.RELATIVE_ERROR < 0.02


def test_bucket_midpoints_are_within_two_percent_of_every_latency():
    for latency in (0.01, 0.5, 1.0, 9.99, 12.5, 100.0, 1234.5, 30_000.0):
        midpoint = histogram.midpoint(histogram.bucket_of(latency))
        assert abs(midpoint - latency) <= 0.02 * latency, latency


def test_empty_range_has_zero_calls_and_no_rates(developer):
    summary = queries.summarize(Selection(developer.api_key, date(2026, 1, 1), date(2026, 1, 2)))
    assert summary["calls"] == 0
    assert summary["success_rate"] is None
    assert summary["latency_p50_ms"] is None
    assert summary["per_day"] == []


def test_days_are_the_developers_local_days(developer, make_call):
    key = developer.api_key
    # 20:59 UTC on the 9th is 23:59 in Nairobi (the 9th); 21:00 UTC is 00:00 on the 10th.
    make_call(key, at=utc(2026, 11, 9, 20, 59, 59))
    make_call(key, at=utc(2026, 11, 9, 21, 0, 0))
    # 20:59 UTC on the 10th is still the 10th in Nairobi; 21:00 is the 11th.
    make_call(key, at=utc(2026, 11, 10, 20, 59, 59))
    make_call(key, at=utc(2026, 11, 10, 21, 0, 0))

    nairobi = Selection(key, date(2026, 11, 10), date(2026, 11, 10), tz=NAIROBI)
    assert nairobi.calls().count() == 2
    assert [d["date"] for d in queries.per_day(nairobi)] == ["2026-11-10"]

    in_utc = Selection(key, date(2026, 11, 10), date(2026, 11, 10))
    assert in_utc.calls().count() == 2  # 21:00 on the 9th is outside, 20:59 and 21:00 on the 10th
    wide = Selection(key, date(2026, 11, 9), date(2026, 11, 11), tz=NAIROBI)
    assert [(d["date"], d["calls"]) for d in queries.per_day(wide)] == [
        ("2026-11-09", 1),
        ("2026-11-10", 2),
        ("2026-11-11", 1),
    ]


def test_date_to_is_included_and_the_next_midnight_is_not(developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 0, 0, 0))
    make_call(key, at=utc(2026, 11, 10, 23, 59, 59, 999999))
    make_call(key, at=utc(2026, 11, 11, 0, 0, 0))
    assert Selection(key, date(2026, 11, 10), date(2026, 11, 10)).calls().count() == 2


def test_filters_by_api_outcome_and_result_code(developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9))
    make_call(key, at=utc(2026, 11, 10, 9), **FAILED)
    make_call(key, at=utc(2026, 11, 10, 9), operation="reversal")
    day = date(2026, 11, 10)

    def count(**filters):
        return Selection(key, day, day, **filters).calls().count()

    assert count() == 3
    assert count(operation="reversal") == 1
    assert count(outcome=Outcome.SUCCESS) == 2
    assert count(outcome=Outcome.FAILURE) == 1
    assert count(result_code="INS-10") == 1
    assert count(operation="c2bPayment", outcome=Outcome.SUCCESS) == 1


def test_a_key_sees_only_its_own_calls(developer, other_developer, make_call):
    make_call(developer.api_key, at=utc(2026, 11, 10, 9))
    make_call(other_developer.api_key, at=utc(2026, 11, 10, 9))
    day = date(2026, 11, 10)
    assert Selection(developer.api_key, day, day).calls().count() == 1


def test_table_sorts_by_whitelisted_columns_only(developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9), latency_ms=30.0, amount=Decimal("5.00"))
    make_call(key, at=utc(2026, 11, 10, 10), latency_ms=10.0, amount=Decimal("50.00"))
    make_call(key, at=utc(2026, 11, 10, 11), latency_ms=20.0, amount=None)
    selection = Selection(key, date(2026, 11, 10), date(2026, 11, 10))

    def latencies(sort):
        return [row["latency_ms"] for row in queries.table_rows(selection, sort=sort)]

    assert latencies("-time") == [20.0, 10.0, 30.0]
    assert latencies("latency") == [10.0, 20.0, 30.0]
    assert latencies("-latency") == [30.0, 20.0, 10.0]
    assert latencies("request_body") == latencies("-time")  # not sortable: default order
    assert queries.parse_sort("password") == queries.DEFAULT_SORT


def test_unknown_timezone_falls_back_to_utc():
    assert queries.zone("Mars/Olympus") == ZoneInfo("UTC")
    assert queries.zone("") == ZoneInfo("UTC")
    assert queries.zone("Africa/Accra") == ZoneInfo("Africa/Accra")


def test_sqlite_without_math_functions_gets_ln_and_floor_registered():
    """SQLite built without SQLITE_ENABLE_MATH_FUNCTIONS: the reports app registers
    deterministic stand-ins on each new connection, so BucketOf works there too."""
    import sqlite3
    from types import SimpleNamespace

    class NoMath:
        def __init__(self):
            self.raw = sqlite3.connect(":memory:")
            self.registered = {}

        def execute(self, sql):
            if "LN(" in sql.upper() and "ln" not in self.registered:
                raise sqlite3.OperationalError("no such function: LN")
            return self.raw.execute(sql)

        def create_function(self, name, arity, function, *, deterministic):
            assert deterministic
            self.registered[name] = function
            self.raw.create_function(f"py_{name}", arity, function, deterministic=True)

    raw = NoMath()
    histogram.register_sqlite_math(None, SimpleNamespace(vendor="sqlite", connection=raw))

    assert set(raw.registered) == {"ln", "floor"}
    sql = "SELECT CAST(py_floor(py_ln(MAX(12.5, 0.01)) / ?) AS INTEGER)"
    (bucket,) = raw.raw.execute(sql, (math.log(histogram.RATIO),)).fetchone()
    assert bucket == histogram.bucket_of(12.5)
    assert raw.registered["ln"](0) is None  # ln of a non-positive latency: NULL, no error
