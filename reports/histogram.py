"""Latency percentiles from log-spaced histograms instead of sorting every call.

A latency of x ms falls in bucket b = floor(ln(max(x, 0.01)) / ln(1.04)), which spans
[1.04^b, 1.04^(b+1)) ms. The bucket's geometric midpoint 1.04^(b + 1/2) is within
sqrt(1.04) - 1 < 2 % of every latency in it (RELATIVE_ERROR).

A percentile is PERCENTILE_CONT's definition with each of the two order statistics it
interpolates between replaced by its bucket's midpoint. Each is within 2 % of the true
value and both are positive, so the interpolation is within 2 % of the exact percentile:
|p~ - p| <= (1 - t) * 2 % * x_lo + t * 2 % * x_hi = 2 % * p. Latencies under 0.01 ms count
as 0.01 ms (absolute error under 0.0002 ms); the summary then rounds to 0.1 ms.

The database computes the buckets (SQL `ln`) and counts per bucket (GROUP BY): for the
rolled-up past from LatencyBucket rows, for the recent calls from the calls themselves.
Python only walks the cumulative counts of at most a few hundred buckets.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping

from django.db.models import Func, IntegerField

RATIO = 1.04
MIN_LATENCY_MS = 0.01
RELATIVE_ERROR = math.sqrt(RATIO) - 1  # 0.0198: the documented accuracy, "within 2 %"
_LN_RATIO = math.log(RATIO)


class BucketOf(Func):
    """The histogram bucket of a latency in ms, computed by the database."""

    output_field = IntegerField()
    template = (
        f"CAST(FLOOR(LN(GREATEST(%(expressions)s, {MIN_LATENCY_MS!r})) / {_LN_RATIO!r}) AS INTEGER)"
    )

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite's scalar max() is GREATEST; ln and floor are its math functions (or the
        # stand-ins registered by register_sqlite_math when this SQLite lacks them).
        template = (
            f"CAST(FLOOR(LN(MAX(%(expressions)s, {MIN_LATENCY_MS!r})) / {_LN_RATIO!r}) AS INTEGER)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def bucket_of(latency_ms: float) -> int:
    """The same bucket computed in Python (tests, documentation)."""
    return math.floor(math.log(max(latency_ms, MIN_LATENCY_MS)) / _LN_RATIO)


def midpoint(bucket: int) -> float:
    return RATIO ** (bucket + 0.5)


def percentiles(counts: Mapping[int, int], fractions: Iterable[float]) -> list[float | None]:
    """Approximate PERCENTILE_CONT(f) for each fraction from {bucket: calls}."""
    fractions = tuple(fractions)
    total = sum(counts.values())
    if total == 0:
        return [None for _ in fractions]
    cumulative = []  # (calls up to and including this bucket, bucket), ascending
    running = 0
    for bucket in sorted(counts):
        if counts[bucket]:
            running += counts[bucket]
            cumulative.append((running, bucket))

    def value_at(rank: int) -> float:
        """The midpoint of the bucket holding the rank-th smallest latency (0-based)."""
        for upto, bucket in cumulative:
            if rank < upto:
                return midpoint(bucket)
        raise AssertionError("rank beyond the histogram")  # pragma: no cover

    results: list[float | None] = []
    for fraction in fractions:
        position = fraction * (total - 1)
        low = math.floor(position)
        low_value = value_at(low)
        high_value = value_at(min(low + 1, total - 1))
        results.append(low_value + (high_value - low_value) * (position - low))
    return results


def add_counts(into: dict[int, int], rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Add (bucket, calls) rows from one GROUP BY into a histogram."""
    for bucket, calls in rows:
        into[bucket] = into.get(bucket, 0) + calls
    return into


def register_sqlite_math(sender, connection, **kwargs) -> None:
    """connection_created: give SQLite `ln` and `floor` when it was built without its
    math functions (SQLITE_ENABLE_MATH_FUNCTIONS, standard since 3.35)."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    try:
        raw.execute("SELECT LN(2), FLOOR(1.5)").fetchone()
    except sqlite3.OperationalError:
        raw.create_function("ln", 1, _ln, deterministic=True)
        raw.create_function("floor", 1, _floor, deterministic=True)


def _ln(value):
    return math.log(value) if value is not None and value > 0 else None


def _floor(value):
    return None if value is None else math.floor(value)
