"""CSV export of the selected calls, streamed row by row.

Memory stays flat however many rows: the queryset is read with `.iterator(chunk_size)`
(a server-side cursor on PostgreSQL) and each row is written to the response as soon as
it is formatted; nothing collects the rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse

from reports.columns import COLUMNS, FIELDS, Column
from reports.queries import Selection

CHUNK_SIZE = 2000
BATCH_BYTES = 64 * 1024

# The columns of a call (reports.columns), every one, in its order.
HEADER = tuple(column.key for column in COLUMNS)
# A cell starting with one of these is a formula to a spreadsheet; values the developer's
# client sent (ThirdPartyConversationID, MSISDN, ...: Column.from_client) are neutralised.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def rows(selection: Selection) -> Iterator[str]:
    """The CSV text in pieces of about BATCH_BYTES (one write per line would cost a
    syscall per row when streamed), header first, calls oldest first."""
    batch: list[str] = []
    size = 0
    for line in lines(selection):
        batch.append(line)
        size += len(line)
        if size >= BATCH_BYTES:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)


def lines(selection: Selection) -> Iterator[str]:
    """The CSV text line by line: the header, then one line per call, oldest first."""
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    calls = selection.calls().order_by("created_at", "id").values(*FIELDS)
    tz = selection.tz
    for row in calls.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow([_cell(column, row, tz) for column in COLUMNS])


def _cell(column: Column, row: dict, tz) -> str:
    text = column.csv_of(row, tz)
    return _safe(text) if column.from_client else text


def filename(selection: Selection) -> str:
    return f"calls-{selection.api_key.last4}-{selection.date_from}-{selection.date_to}.csv"


def csv_response(selection: Selection) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows(selection), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(selection)}"'
    return response
