"""Read side of reports: the call-log queries behind the summary, charts, table and CSV.

Every number is aggregated by the database (COUNT, SUM, MAX, percentiles, GROUP BY local
day); Python only shapes and adds the handful of aggregated groups. Indexes per query:
- summary counts over settled time: reports_callslot_key_slot (api_key, slot_start)
  on the rolled-up slots (reports.rollup);
- summary counts over the recent tail, percentiles, the table's default order (newest
  first) and the CSV: sandbox_apicall_key_created (api_key, created_at), or
  sandbox_apicall_key_op (api_key, operation, created_at) with the API filter;
- the roll-up itself: sandbox_apicall_key_created;
- recent reports and latest_report: reports_report_user_created.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection, transaction
from django.db.models import Aggregate, Count, FloatField, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import ApiKey
from reports import rollup
from reports.apinames import api_name
from reports.models import CallSlot
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
    # Calls logged before this instant are left out (the raw tail after the roll-up).
    since: datetime | None = None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=self.tz)

    @property
    def effective_end(self) -> datetime:
        return self.end if self.until is None else min(self.end, self.until)

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
        start = self.start if self.since is None else max(self.start, self.since)
        qs = ApiCall.objects.for_key(self.api_key).between(start, self.effective_end)
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
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Sort a million latencies in memory rather than spill to disk (the
                # default work_mem is 4 MB); SET LOCAL ends with this transaction.
                cursor.execute("SET LOCAL work_mem = '64MB'")
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
    """The report's summary and its per-day series, as stored in Report.summary.

    Counts come from the rolled-up slots for the settled part of the range and from the
    calls themselves for the recent tail (reports.rollup); both are aggregated by the
    database and the two small results are added. Percentiles read the calls.
    """
    split = _rolled_up_until(selection)
    grouped = _grouped_calls(replace(selection, since=split))
    if split > selection.start:
        grouped = _merge(_grouped_slots(selection, split), grouped)
    totals = grouped["totals"]
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
            {"operation": op, **row, "name": api_name(op), "success_rate": _rate(row)}
            for op, row in sorted(grouped["per_api"].items(), key=lambda i: (-i[1]["calls"], i[0]))
        ],
        "per_result": [
            {"result_code": code, **row}
            for code, row in sorted(
                grouped["per_result"].items(), key=lambda i: (-i[1]["calls"], i[0])
            )
        ],
        "per_day": [_day(day, row) for day, row in sorted(grouped["per_day"].items())],
        "timezone": selection.tz.key,
    }


def per_day(selection: Selection) -> list[dict]:
    """Calls, successes, failures and latency per local day (the charts' data)."""
    return summarize(selection)["per_day"]


def _rate(row: dict) -> float | None:
    return _rounded(100 * row["successes"] / row["calls"]) if row["calls"] else None


def _day(day: date, row: dict) -> dict:
    return {
        "date": day.isoformat(),
        "calls": row["calls"],
        "successes": row["successes"],
        "failures": row["calls"] - row["successes"],
        "success_rate": _rate(row),
        "latency_avg_ms": _rounded(row["latency_sum"] / row["calls"]) if row["calls"] else None,
        "latency_max_ms": _rounded(row["latency_max"]),
    }


def _rolled_up_until(selection: Selection) -> datetime:
    """Where the slots stop and the raw tail starts, inside the selection's range.

    Slots are used only when the range starts on a slot boundary (every real timezone's
    midnight does) and only for whole slots before the range's end.
    """
    start, end = selection.start, selection.effective_end
    if not rollup.is_slot_boundary(start):
        return start
    mark = rollup.roll_up(selection.api_key)
    return max(start, min(mark, rollup.floor_slot(end)))


_SUCCESS = Q(is_success=True)


def _grouped(qs: QuerySet, tz: ZoneInfo, *, time_field: str, measures) -> dict:
    """Totals, per API, per result code and per local day, from ONE GROUP BY query.

    The database groups by (local day, API, result code): a few hundred groups for a
    month, whatever the number of calls. Python then adds those groups up into the four
    breakdowns. `measures()` returns the aggregates {calls, successes, latency_sum,
    latency_max} for the queryset's model (the calls themselves or their slots).
    """
    made = measures()
    groups = (
        qs.order_by()
        .annotate(day=TruncDate(time_field, tzinfo=tz))
        .values("day", "operation", "result_code")
        # Aliased "m_<name>": a slot's own field is called `calls`.
        .annotate(**{f"m_{name}": aggregate for name, aggregate in made.items()})
        .annotate(m_result_desc=Max("result_desc"))
    )
    result: dict = {"totals": _zero(), "per_api": {}, "per_result": {}, "per_day": {}}
    for group in groups:
        row = {name[2:]: value for name, value in group.items() if name.startswith("m_")}
        row["successes"] = row["successes"] or 0
        _add(result["totals"], row, ("calls", "successes"))
        _add(result["per_api"].setdefault(group["operation"], _zero()), row, ("calls", "successes"))
        per_result = result["per_result"].setdefault(
            group["result_code"], {"calls": 0, "result_desc": row["result_desc"]}
        )
        _add(per_result, row, ("calls", "result_desc"))
        _add(result["per_day"].setdefault(group["day"], _zero()), row, DAY_MEASURES)
    return result


DAY_MEASURES = ("calls", "successes", "latency_sum", "latency_max")


def _zero() -> dict:
    return {"calls": 0, "successes": 0}


def _add(into: dict, row: dict, names: tuple[str, ...]) -> None:
    """Add one aggregated group's measures into a running breakdown."""
    for name in names:
        value = row[name]
        if name in into and name in ("latency_max", "result_desc"):
            into[name] = max(into[name], value)
        else:
            into[name] = into.get(name, 0) + value


def _grouped_calls(selection: Selection) -> dict:
    return _grouped(
        selection.calls(),
        selection.tz,
        time_field="created_at",
        measures=lambda: {
            "calls": Count("id"),
            "successes": Count("id", filter=_SUCCESS),
            "latency_sum": Sum("latency_ms"),
            "latency_max": Max("latency_ms"),
        },
    )


def _grouped_slots(selection: Selection, until: datetime) -> dict:
    """The same breakdowns from the rolled-up slots of [selection.start, until)."""
    slots = CallSlot.objects.filter(
        api_key=selection.api_key, slot_start__gte=selection.start, slot_start__lt=until
    )
    if selection.operation:
        slots = slots.filter(operation=selection.operation)
    if selection.outcome:
        slots = slots.filter(is_success=selection.outcome == Outcome.SUCCESS)
    if selection.result_code:
        slots = slots.filter(result_code=selection.result_code)
    return _grouped(
        slots,
        selection.tz,
        time_field="slot_start",
        measures=lambda: {
            "calls": Sum("calls"),
            "successes": Coalesce(Sum("calls", filter=_SUCCESS), 0),
            "latency_sum": Sum("latency_sum_ms"),
            "latency_max": Max("latency_max_ms"),
        },
    )


def _merge(a: dict, b: dict) -> dict:
    """Add two sets of breakdowns (aggregated groups, not calls)."""
    merged = {"totals": dict(a["totals"])}
    _add(merged["totals"], b["totals"], ("calls", "successes"))
    names = {
        "per_api": ("calls", "successes"),
        "per_result": ("calls", "result_desc"),
        "per_day": DAY_MEASURES,
    }
    for part, measures in names.items():
        groups = {key: dict(row) for key, row in a[part].items()}
        for key, row in b[part].items():
            if key in groups:
                _add(groups[key], row, measures)
            else:
                groups[key] = dict(row)
        merged[part] = groups
    return merged


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
