"""Log formats: the request id on every record, and LOG_FORMAT=json (one object a line).

Redaction is not done here: whatever filter redacts secrets on the handlers runs before
the formatter, so the JSON lines carry the same redacted message as the plain ones.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from telemetry import context

# Attributes every LogRecord has: anything else on a record came from `extra=` and is
# written as a field of its own.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}


class RequestIdFilter(logging.Filter):
    """Sets record.request_id (empty outside a request or task) for every format."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = context.current() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id(record),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _request_id(record: logging.LogRecord) -> str | None:
    value = getattr(record, "request_id", "") or context.current()
    return value if value and value != "-" else None
