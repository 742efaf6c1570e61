from __future__ import annotations

from django import template

from golive.charts import operation_bars

register = template.Library()


def _number(value, default=None):
    return value if isinstance(value, int | float) else default


@register.inclusion_tag("golive/_snapshot.html")
def golive_snapshot(snapshot: dict, level: int = 2) -> dict:
    """A Go Live snapshot as the developer confirms it and the reviewer reads it."""
    report = snapshot.get("report", {})
    operations = report.get("operations", {})
    summary = report.get("summary", {})
    calls = _number(summary.get("calls"), sum(o["calls"] for o in operations.values()))
    successes = _number(summary.get("successes"), sum(o["successes"] for o in operations.values()))
    # Reports store the success rate as a percentage (None when there are no calls).
    percent = _number(summary.get("success_rate"))
    if percent is None:
        percent = 100 * successes / calls if calls else 0
    return {
        "account": snapshot.get("account", {}),
        # Snapshots taken before applications existed have no "application": left out.
        "application": snapshot.get("application"),
        "report": report,
        # Snapshots taken before the conformance checks have none of these: left out.
        "business": snapshot.get("business"),
        "checklist": snapshot.get("checklist"),
        "receiver_check": snapshot.get("receiver_check"),
        "rows": snapshot.get("rows", []),
        "calls": calls,
        "successes": successes,
        "success_percent": round(percent, 1),
        "latency_p50": _number(summary.get("latency_p50_ms")),
        "latency_p95": _number(summary.get("latency_p95_ms")),
        "chart": operation_bars(operations),
        "h": level,
        "h_sub": level + 1,
    }
