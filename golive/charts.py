"""A server-rendered bar chart of a snapshot: calls per API, successes and failures.

Plain SVG built from numbers here and drawn by the template: it works in the admin and
in email-safe pages, needs no script (CSP forbids inline ones) and no vendored library.
"""

from __future__ import annotations

from golive.evidence import REQUIRED_OPERATIONS

LABEL_WIDTH = 190
BAR_AREA = 420
ROW_HEIGHT = 34
BAR_HEIGHT = 20
TOP = 10


def operation_bars(operations: dict[str, dict[str, int]]) -> dict:
    """Geometry for one horizontal stacked bar per API (successes, then failures)."""
    slugs = list(REQUIRED_OPERATIONS) + sorted(
        s for s in operations if s not in REQUIRED_OPERATIONS
    )
    largest = max([o.get("calls", 0) for o in operations.values()] + [1])
    bars = []
    for index, slug in enumerate(slugs):
        counts = operations.get(slug, {})
        calls, successes = counts.get("calls", 0), counts.get("successes", 0)
        success_w = round(BAR_AREA * successes / largest, 1)
        failure_w = round(BAR_AREA * (calls - successes) / largest, 1)
        y = TOP + index * ROW_HEIGHT
        bars.append(
            {
                "label": slug,
                "name": counts.get("name") or REQUIRED_OPERATIONS.get(slug, slug),
                "calls": calls,
                "successes": successes,
                "failures": calls - successes,
                "y": y,
                "text_y": y + BAR_HEIGHT - 5,
                "success_w": success_w,
                "failure_x": LABEL_WIDTH + success_w,
                "failure_w": failure_w,
                "value_x": LABEL_WIDTH + success_w + failure_w + 6,
            }
        )
    return {
        "bars": bars,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "width": LABEL_WIDTH + BAR_AREA + 90,
        "height": TOP * 2 + len(bars) * ROW_HEIGHT,
    }
