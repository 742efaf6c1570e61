"""Asynchronous completion time of a report's calls (issue 15; docs/callbacks.md,
"Hanging transactions"): from the call to the callback the developer's listener
acknowledged with a 2xx (CallbackDelivery.delivered_at), p50 and p95.

Aggregated by the database on PostgreSQL (PERCENTILE_CONT, continuous: linear
interpolation between the two nearest values); SQLite has no percentile function, so
there the durations are read and the same interpolation is done in Python.
Index: sandbox_apicall_key_created finds the calls; the deliveries by their api_call_id.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField

from callbacks.models import CallbackDelivery


class _PercentileMs(Aggregate):
    """PostgreSQL: PERCENTILE_CONT(fraction) over an interval, in milliseconds."""

    function = "PERCENTILE_CONT"
    template = (
        "PERCENTILE_CONT(%(fraction)s) WITHIN GROUP "
        "(ORDER BY EXTRACT(EPOCH FROM (%(expressions)s)) * 1000)"
    )
    output_field = FloatField()


def percentile_cont(sorted_values: list[float], fraction: float) -> float:
    """PERCENTILE_CONT of an ascending list: linear interpolation at fraction * (n - 1)."""
    position = fraction * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def async_completion(selection) -> dict[str, Any]:
    """{"count", "p50_ms", "p95_ms"} over the selection's asynchronous calls whose
    callback was acknowledged (test callbacks have no call and are not counted)."""
    calls = selection.calls().filter(is_async=True)
    deliveries = CallbackDelivery.objects.filter(
        api_call__in=calls.values("pk"),
        status=CallbackDelivery.Status.DELIVERED,
        delivered_at__isnull=False,
    )
    duration = ExpressionWrapper(
        F("delivered_at") - F("api_call__created_at"), output_field=DurationField()
    )
    if connection.vendor == "postgresql":
        row = deliveries.aggregate(
            count=Count("pk"),
            p50_ms=_PercentileMs(duration, fraction=0.5),
            p95_ms=_PercentileMs(duration, fraction=0.95),
        )
        if not row["count"]:
            return {"count": 0, "p50_ms": None, "p95_ms": None}
        return {"count": row["count"], "p50_ms": row["p50_ms"], "p95_ms": row["p95_ms"]}
    values = sorted(
        (delivered - called).total_seconds() * 1000
        for delivered, called in deliveries.values_list("delivered_at", "api_call__created_at")
    )
    if not values:
        return {"count": 0, "p50_ms": None, "p95_ms": None}
    return {
        "count": len(values),
        "p50_ms": percentile_cont(values, 0.5),
        "p95_ms": percentile_cont(values, 0.95),
    }
