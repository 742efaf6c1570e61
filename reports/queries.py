"""Read side of reports: the call-log queries behind the summary, charts, table and CSV.

These functions only read. The roll-up that writes slots is a separate, named step
(reports.rollup.roll_up) that Generate and beat call before; a summary reads the slots up
to the key's mark and the raw calls after it, so it is right whenever it runs.

Every number is aggregated by the database (COUNT, SUM, MAX, latency histograms, GROUP BY
local day); Python only shapes and adds the handful of aggregated groups and walks a
histogram of a few hundred buckets. Indexes per query:
- summary counts over settled time: reports_callslot_key_slot (api_key, slot_start)
  on the rolled-up slots (reports.rollup);
- latency percentiles over settled time: reports_latbucket_key_period on the hourly and
  daily histograms (reports.histogram);
- summary counts and latency histogram over the recent tail, the table's default order
  (newest first) and the CSV: sandbox_apicall_key_created (api_key, created_at), or
  sandbox_apicall_key_op (api_key, operation, created_at) with the API filter;
- where the slots stop: the rollup mark's primary key (api_key);
- recent reports and latest_report: reports_report_user_created.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy

from accounts.models import ApiKey, Application
from reports import columns, histogram, rollup
from reports.apinames import api_name
from reports.models import CallSlot, LatencyBucket
from sandbox.models import ApiCall


class Outcome:
    ANY = ""
    SUCCESS = "success"
    FAILURE = "failure"
    CHOICES = (
        (ANY, gettext_lazy("Any result")),
        (SUCCESS, gettext_lazy("Successful only")),
        (FAILURE, gettext_lazy("Failed only")),
    )


# Columns a table may be sorted by (query-string value -> model field: reports.columns).
# The default is newest first, served by the (api_key, created_at) index read backwards.
SORTABLE = columns.SORTABLE
DEFAULT_SORT = "-time"


def zone(name: str | None) -> ZoneInfo:
    """The developer's timezone; an unknown name falls back to UTC rather than failing."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Selection:
    """Which calls a report covers: one key (or every key of one application), a date
    range in a timezone, optional filters.

    With `application`, the selection covers all of the application's keys (current,
    in overlap and retired): `api_key` is then only the key the report is filed under.

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
    application: Application | None = None

    @property
    def keys(self) -> list[ApiKey]:
        """The keys whose calls are selected."""
        if self.application is None:
            return [self.api_key]
        return list(ApiKey.objects.filter(application=self.application).order_by("pk"))

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
            "application": str(self.application.public_id) if self.application else "",
        }
        return {name: value for name, value in values.items() if value}

    def calls(self) -> QuerySet[ApiCall]:
        start = self.start if self.since is None else max(self.start, self.since)
        if self.application is None:
            qs = ApiCall.objects.for_key(self.api_key)
        else:
            # api_key IN (...): the (api_key, created_at) index serves each key's range.
            qs = ApiCall.objects.filter(api_key__in=[key.pk for key in self.keys])
        qs = qs.between(start, self.effective_end)
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


def latency_histogram(selection: Selection, split: datetime) -> dict[int, int]:
    """{bucket: calls} of the selected calls (reports.histogram), from the stored hourly
    and daily histograms for whole UTC hours and days before `split` (where the roll-up
    stops) and from the calls themselves for the rest: the part of the first hour before
    it starts (timezones at :30 or :45) and the tail from the last whole hour on.
    """
    start = selection.start
    first_hour = rollup.ceil_slot(start, rollup.HOUR_SECONDS)
    last_hour = rollup.floor_slot(split, rollup.HOUR_SECONDS)
    counts: dict[int, int] = {}
    if split <= start or first_hour >= last_hour:
        return histogram.add_counts(counts, _raw_buckets(selection))
    first_day = rollup.ceil_slot(first_hour, rollup.DAY_SECONDS)
    last_day = rollup.floor_slot(last_hour, rollup.DAY_SECONDS)
    if first_day < last_day:
        stored = [
            (LatencyBucket.DAY, first_day, last_day),
            (LatencyBucket.HOUR, first_hour, first_day),
            (LatencyBucket.HOUR, last_day, last_hour),
        ]
    else:
        stored = [(LatencyBucket.HOUR, first_hour, last_hour)]
    for hours, since, until in stored:
        if since < until:
            histogram.add_counts(counts, _stored_buckets(selection, hours, since, until))
    if start < first_hour:
        histogram.add_counts(counts, _raw_buckets(replace(selection, until=first_hour)))
    return histogram.add_counts(counts, _raw_buckets(replace(selection, since=last_hour)))


def _raw_buckets(selection: Selection):
    return (
        selection.calls()
        .order_by()
        .annotate(bucket=histogram.BucketOf("latency_ms"))
        .values("bucket")
        .annotate(n=Count("id"))
        .values_list("bucket", "n")
    )


def _stored_buckets(selection: Selection, hours: int, since: datetime, until: datetime):
    rows = _filtered(
        LatencyBucket.objects.filter(
            api_key=selection.api_key,
            hours=hours,
            period_start__gte=since,
            period_start__lt=until,
        ),
        selection,
    )
    return rows.order_by().values("bucket").annotate(n=Sum("calls")).values_list("bucket", "n")


def _filtered(rows: QuerySet, selection: Selection) -> QuerySet:
    """The selection's API / outcome / result filters on rolled-up rows."""
    if selection.operation:
        rows = rows.filter(operation=selection.operation)
    if selection.outcome:
        rows = rows.filter(is_success=selection.outcome == Outcome.SUCCESS)
    if selection.result_code:
        rows = rows.filter(result_code=selection.result_code)
    return rows


# --- Summary and chart data -----------------------------------------------------------


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def summarize(selection: Selection) -> dict:
    """The report's summary and its per-day series, as stored in Report.summary.

    Counts come from the rolled-up slots for the settled part of the range and from the
    calls themselves for the recent tail (reports.rollup); both are aggregated by the
    database and the two small results are added. Latency p50 / p95 come from
    histograms the same way: within 2 % of the exact values (reports.histogram).
    """
    grouped: dict | None = None
    latencies: dict[int, int] = {}
    # An application's selection adds up the breakdowns and histograms of its keys, each
    # read like a one-key selection (its own roll-up mark): groups, not calls.
    for key in selection.keys:
        one = replace(selection, api_key=key, application=None)
        key_grouped, key_latencies = _key_parts(one)
        grouped = key_grouped if grouped is None else _merge(grouped, key_grouped)
        histogram.add_counts(latencies, key_latencies.items())
    if grouped is None:  # an application without keys
        grouped = {"totals": _zero(), "per_api": {}, "per_result": {}, "per_day": {}}
    totals = grouped["totals"]
    calls, successes = totals["calls"], totals["successes"]
    p50, p95 = histogram.percentiles(latencies, (0.5, 0.95))
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


def _key_parts(selection: Selection) -> tuple[dict, dict[int, int]]:
    """The breakdowns and the latency histogram of a one-key selection."""
    split = _rolled_up_until(selection)
    grouped = _grouped_calls(replace(selection, since=split))
    if split > selection.start:
        grouped = _merge(_grouped_slots(selection, split), grouped)
    return grouped, latency_histogram(selection, split)


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
    midnight does) and only for whole slots before the range's end. The mark is read as
    it stands (no roll-up here): whatever is not rolled up yet comes from the raw calls.
    """
    start, end = selection.start, selection.effective_end
    if not rollup.is_slot_boundary(start):
        return start
    mark = rollup.rolled_until(selection.api_key)
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
    slots = _filtered(
        CallSlot.objects.filter(
            api_key=selection.api_key, slot_start__gte=selection.start, slot_start__lt=until
        ),
        selection,
    )
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


def parse_sort(value: str | None) -> str:
    """A whitelisted sort key ("latency" or "-latency"); anything else is the default."""
    if value and value.lstrip("-") in SORTABLE:
        return value
    return DEFAULT_SORT


def table_rows(selection: Selection, *, sort: str = DEFAULT_SORT) -> QuerySet:
    """The selected calls as dicts of reports.columns.FIELDS, sorted; the primary key
    breaks ties so that pages never repeat or skip a row."""
    sort = parse_sort(sort)
    descending = sort.startswith("-")
    column = SORTABLE[sort.lstrip("-")]
    prefix = "-" if descending else ""
    return selection.calls().order_by(f"{prefix}{column}", f"{prefix}id").values(*columns.FIELDS)
