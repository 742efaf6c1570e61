"""Read side of reports: the call-log queries behind the summary, charts, table and CSV.

Every number is aggregated by the database (COUNT, AVG, percentiles, GROUP BY day); Python
only shapes the handful of aggregated rows. Each query filters one API key and a
created_at range first, so it is served by sandbox's (api_key, created_at) index, or by
(api_key, operation, created_at) when the API filter is set (see sandbox/models/calllog.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection
from django.db.models import Aggregate, Avg, Count, FloatField, Max, Q, QuerySet
from django.db.models.functions import TruncDate

from accounts.models import ApiKey
from reports.apinames import api_name
from sandbox.models import ApiCall


class Outcome:
    ANY = ""
    SUCCESS = "success"
    FAILURE = "failure"
    CHOICES = (
        (ANY, "Any result"),
        (SUCCESS, "Successful only"),
        (FAILURE, "Failed only"),
    )


# Columns a table may be sorted by (query-string value -> model field). The default is
# newest first, served by the (api_key, created_at) index read backwards.
SORTABLE = {
    "time": "created_at",
    "api": "operation",
    "market": "market",
    "amount": "amount",
    "result": "result_code",
    "status": "http_status",
    "latency": "latency_ms",
}
DEFAULT_SORT = "-time"


def zone(name: str | None) -> ZoneInfo:
    """The developer's timezone; an unknown name falls back to UTC rather than failing."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Selection:
    """Which calls a report covers: one key, a date range in a timezone, optional filters.

    Dates are whole local days: date_to is included, so the range is
    [date_from 00:00, date_to + 1 day 00:00) in `tz`, converted to UTC by the database
    driver. Local midnight, not UTC midnight: a call at 23:30 in Nairobi belongs to that
    Nairobi day even though it is 20:30 UTC.
    """

    api_key: ApiKey
    date_from: date
    date_to: date
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    operation: str = ""
    outcome: str = Outcome.ANY
    result_code: str = ""
    # Calls logged from this instant on are left out (a saved report is a snapshot).
    until: datetime | None = None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=self.tz)

    def filters(self) -> dict:
        """The optional filters as stored on a Report (empty values left out)."""
        values = {
            "operation": self.operation,
            "outcome": self.outcome,
            "result_code": self.result_code,
            "timezone": self.tz.key,
        }
        return {name: value for name, value in values.items() if value}

    def calls(self) -> QuerySet[ApiCall]:
        end = self.end if self.until is None else min(self.end, self.until)
        qs = ApiCall.objects.for_key(self.api_key).between(self.start, end)
        if self.operation:
            qs = qs.filter(operation=self.operation)
        if self.outcome == Outcome.SUCCESS:
            qs = qs.filter(is_success=True)
        elif self.outcome == Outcome.FAILURE:
            qs = qs.filter(is_success=False)
        if self.result_code:
            qs = qs.filter(result_code=self.result_code)
        return qs


# --- Percentiles --------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY x)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        # A float we format ourselves, never user input: safe to inline in the SQL.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentiles(qs: QuerySet[ApiCall], fractions: tuple[float, ...], *, count: int) -> list:
    """Latency percentiles with linear interpolation (PERCENTILE_CONT's definition).

    PostgreSQL computes them in one aggregate. SQLite has no such aggregate, so for each
    fraction we fetch the one or two rows around the position with ORDER BY latency_ms
    LIMIT 2 OFFSET k: the database sorts, Python never sees more than two values.
    """
    if count == 0:
        return [None for _ in fractions]
    if connection.vendor == "postgresql":
        aggregates = {f"p{i}": PercentileCont("latency_ms", f) for i, f in enumerate(fractions)}
        row = qs.order_by().aggregate(**aggregates)
        return [row[f"p{i}"] for i in range(len(fractions))]
    ordered = qs.order_by("latency_ms").values_list("latency_ms", flat=True)
    results = []
    for fraction in fractions:
        position = fraction * (count - 1)
        low = math.floor(position)
        values = list(ordered[low : low + 2])
        upper = values[1] if len(values) > 1 else values[0]
        results.append(values[0] + (upper - values[0]) * (position - low))
    return results


# --- Summary and chart data -----------------------------------------------------------


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def summarize(selection: Selection) -> dict:
    """The report's summary and its per-day series, as stored in Report.summary."""
    if connection.vendor == "postgresql":
        totals, per_api, per_result, days = _grouped_postgresql(selection)
    else:
        totals, per_api, per_result, days = _grouped_orm(selection)
    calls, successes = totals["calls"], totals["successes"]
    p50, p95 = percentiles(selection.calls(), (0.5, 0.95), count=calls)
    return {
        "calls": calls,
        "successes": successes,
        "failures": calls - successes,
        "success_rate": _rate(totals),
        "latency_p50_ms": _rounded(p50),
        "latency_p95_ms": _rounded(p95),
        "per_api": [
            {**row, "name": api_name(row["operation"]), "success_rate": _rate(row)}
            for row in sorted(per_api, key=lambda r: (-r["calls"], r["operation"]))
        ],
        "per_result": sorted(per_result, key=lambda r: (-r["calls"], r["result_code"])),
        "per_day": [_day(row) for row in sorted(days, key=lambda r: r["day"])],
        "timezone": selection.tz.key,
    }


def _rate(row: dict) -> float | None:
    return _rounded(100 * row["successes"] / row["calls"]) if row["calls"] else None


def _day(row: dict) -> dict:
    return {
        "date": row["day"].isoformat(),
        "calls": row["calls"],
        "successes": row["successes"],
        "failures": row["calls"] - row["successes"],
        "success_rate": _rate(row),
        "latency_avg_ms": _rounded(row["latency_avg_ms"]),
        "latency_max_ms": _rounded(row["latency_max_ms"]),
    }


def _with_day(selection: Selection) -> QuerySet:
    return selection.calls().order_by().annotate(day=TruncDate("created_at", tzinfo=selection.tz))


_SUCCESS = Q(is_success=True)


def _grouped_orm(selection: Selection) -> tuple[dict, list, list, list]:
    """Totals, per API, per result code and per local day: one GROUP BY query each."""
    qs = selection.calls().order_by()
    totals = qs.aggregate(calls=Count("id"), successes=Count("id", filter=_SUCCESS))
    per_api = qs.values("operation").annotate(
        calls=Count("id"), successes=Count("id", filter=_SUCCESS)
    )
    per_result = qs.values("result_code").annotate(
        calls=Count("id"), result_desc=Max("result_desc")
    )
    days = (
        _with_day(selection)
        .values("day")
        .annotate(
            calls=Count("id"),
            successes=Count("id", filter=_SUCCESS),
            latency_avg_ms=Avg("latency_ms"),
            latency_max_ms=Max("latency_ms"),
        )
    )
    return totals, list(per_api), list(per_result), list(days)


_GROUPED_SELECT = (
    "SELECT GROUPING(day), GROUPING(operation), GROUPING(result_code), "
    "day, operation, result_code, COUNT(*), COUNT(*) FILTER (WHERE is_success), "
    "AVG(latency_ms), MAX(latency_ms), MAX(result_desc) FROM "
)
_GROUPED_BY = "GROUP BY GROUPING SETS ((day), (operation), (result_code), ())"


def _grouped_postgresql(selection: Selection) -> tuple[dict, list, list, list]:
    """The same four breakdowns from ONE pass over the rows (GROUPING SETS).

    At a million calls each pass costs hundreds of milliseconds, so reading the rows
    once instead of four times is most of Generate's budget. The WHERE clause is the
    ORM's own (parameters stay parameters).
    """
    inner, params = (
        _with_day(selection)
        .values("day", "operation", "result_code", "result_desc", "is_success", "latency_ms")
        .query.sql_with_params()
    )
    sql = "".join((_GROUPED_SELECT, "(", inner, ") AS calls ", _GROUPED_BY))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    totals = {"calls": 0, "successes": 0}
    per_api, per_result, days = [], [], []
    for no_day, no_op, no_code, day, op, code, calls, ok, avg, top, desc in rows:
        if not no_day:
            days.append(
                {
                    "day": day,
                    "calls": calls,
                    "successes": ok,
                    "latency_avg_ms": avg,
                    "latency_max_ms": top,
                }
            )
        elif not no_op:
            per_api.append({"operation": op, "calls": calls, "successes": ok})
        elif not no_code:
            per_result.append({"result_code": code, "result_desc": desc, "calls": calls})
        else:
            totals = {"calls": calls, "successes": ok}
    return totals, per_api, per_result, days


def per_day(selection: Selection) -> list[dict]:
    """Calls, successes, failures and latency per local day (the charts' data)."""
    return summarize(selection)["per_day"]


# --- Table ----------------------------------------------------------------------------

TABLE_FIELDS = (
    "public_id",
    "created_at",
    "operation",
    "market",
    "amount",
    "msisdn",
    "transaction_id",
    "conversation_id",
    "result_code",
    "result_desc",
    "http_status",
    "latency_ms",
    "is_async",
    "is_success",
)


def parse_sort(value: str | None) -> str:
    """A whitelisted sort key ("latency" or "-latency"); anything else is the default."""
    if value and value.lstrip("-") in SORTABLE:
        return value
    return DEFAULT_SORT


def table_rows(selection: Selection, *, sort: str = DEFAULT_SORT) -> QuerySet:
    """The selected calls as dicts, sorted; the primary key breaks ties so that pages
    never repeat or skip a row."""
    sort = parse_sort(sort)
    descending = sort.startswith("-")
    column = SORTABLE[sort.lstrip("-")]
    prefix = "-" if descending else ""
    return selection.calls().order_by(f"{prefix}{column}", f"{prefix}id").values(*TABLE_FIELDS)
