"""The columns of a call, defined once.

The Reports table, the CSV export, the partner API's calls (JSON) and Go Live's copy of
a report's table all read a call-log row through these specs: the same names, headings,
values and formatting everywhere. A row is a dict from `ApiCall.objects.values(*FIELDS)`
(reports.queries.table_rows).

The CSV and the partner API carry every column, in this order; the Reports table shows
those marked `in_table`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reports.apinames import api_name


class Kind:
    """The type of a column's value (the partner API's schema maps it to a field)."""

    UUID = "uuid"
    DATETIME = "datetime"
    STRING = "string"
    DECIMAL = "decimal"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"


def _text(value: Any, tz: ZoneInfo) -> str:
    return "" if value is None else str(value)


def _local_time(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _iso_time(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).isoformat(timespec="milliseconds")


def _money(value, tz: ZoneInfo) -> str:
    return "" if value is None else f"{value:.2f}"


def _milliseconds(value: float, tz: ZoneInfo) -> str:
    return f"{value:.1f}"


def _flag(value: bool, tz: ZoneInfo) -> str:
    return "true" if value else "false"


def _field(name: str) -> Callable[[dict], Any]:
    return lambda row: row[name]


@dataclass(frozen=True)
class Column:
    key: str  # the CSV heading and the partner API's field name
    label: str  # the heading people read (Reports table)
    kind: str
    fields: tuple[str, ...]  # the ApiCall fields the value is made of
    value: Callable[[dict], Any]  # the typed value from a values() row
    text: Callable[[Any, ZoneInfo], str] = _text  # for people: table, Go Live
    csv: Callable[[Any, ZoneInfo], str] | None = None  # for the CSV (default: text)
    nullable: bool = False
    in_table: bool = True
    sort: str = ""  # the table's ?sort= name; it orders by fields[0]
    # How the table shows it: "num", "nowrap", "code", "long-code" (wraps), "wrap",
    # "result" (a badge coloured by success).
    style: str = ""
    # Values the developer's client sent (or could have): neutralised in the CSV so that a
    # spreadsheet never runs them as formulas.
    from_client: bool = False

    def text_of(self, row: dict, tz: ZoneInfo) -> str:
        return self.text(self.value(row), tz)

    def csv_of(self, row: dict, tz: ZoneInfo) -> str:
        return (self.csv or self.text)(self.value(row), tz)

    def plain_of(self, row: dict, tz: ZoneInfo) -> Any:
        """The value as plain JSON for a stored snapshot: times, money and latencies as
        the text people read, the rest as is."""
        value = self.value(row)
        if value is None or self.kind not in (Kind.DATETIME, Kind.DECIMAL, Kind.FLOAT):
            return value
        return self.text(value, tz)


def _simple(key: str, label: str, kind: str = Kind.STRING, **options) -> Column:
    field = options.pop("field", key)
    return Column(key, label, kind, (field,), _field(field), **options)


COLUMNS: tuple[Column, ...] = (
    _simple(
        "time",
        "Time",
        Kind.DATETIME,
        field="created_at",
        text=_local_time,
        csv=_iso_time,
        sort="time",
        style="nowrap",
    ),
    _simple("api", "API slug", field="operation", in_table=False),
    Column(
        "api_name",
        "API",
        Kind.STRING,
        ("operation",),
        lambda row: api_name(row["operation"]),
        sort="api",
    ),
    _simple("market", "Market", sort="market"),
    _simple(
        "amount", "Amount", Kind.DECIMAL, text=_money, nullable=True, sort="amount", style="num"
    ),
    _simple("msisdn", "MSISDN", from_client=True),
    _simple("transaction_id", "TransactionID", style="code", from_client=True),
    _simple("conversation_id", "ConversationID", style="long-code", from_client=True),
    _simple(
        "third_party_conversation_id",
        "ThirdPartyConversationID",
        in_table=False,
        from_client=True,
    ),
    _simple("result_code", "Result", sort="result", style="result"),
    _simple("result_desc", "Description", style="wrap", from_client=True),
    _simple("http_status", "HTTP status", Kind.INTEGER, sort="status"),
    _simple(
        "latency_ms", "Latency (ms)", Kind.FLOAT, text=_milliseconds, sort="latency", style="num"
    ),
    Column(
        "mode",
        "Mode",
        Kind.STRING,
        ("is_async",),
        lambda row: "async" if row["is_async"] else "sync",
    ),
    _simple("success", "Successful", Kind.BOOLEAN, field="is_success", text=_flag, in_table=False),
    _simple("id", "ID", Kind.UUID, field="public_id", in_table=False),
    # The application whose key made the call; its name is the developer's own text.
    _simple(
        "application",
        "Application",
        field="api_key__application__name",
        in_table=False,
        from_client=True,
    ),
)

BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
TABLE: tuple[Column, ...] = tuple(column for column in COLUMNS if column.in_table)
# What a row must hold: every column's fields, once, in column order.
FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f for column in COLUMNS for f in column.fields))
# The table's sort names -> the model field each orders by.
SORTABLE: dict[str, str] = {column.sort: column.fields[0] for column in COLUMNS if column.sort}


def values(row: dict) -> dict[str, Any]:
    """{column key: typed value}: a call as the partner API returns it."""
    return {column.key: column.value(row) for column in COLUMNS}


@dataclass(frozen=True)
class Cell:
    text: str
    style: str


def table_row(row: dict, tz: ZoneInfo) -> dict:
    """The Reports table's cells of one call, and whether it succeeded (the badge)."""
    cells = [Cell(column.text_of(row, tz), column.style) for column in TABLE]
    return {"cells": cells, "is_success": row["is_success"]}
