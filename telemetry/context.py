"""The request id: made at the edge (ops.middleware), carried into the Celery tasks the
request causes (ops.signals), and written on every log line (telemetry.logs)."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")

# What an id taken from a trusted proxy may look like: no quotes, spaces or separators,
# since it is echoed in a response header (the official SDK parses headers naively).
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def new_request_id() -> str:
    return str(uuid.uuid4())


def acceptable(value: str | None) -> bool:
    return bool(value) and _VALID.match(value or "") is not None


def current() -> str:
    return request_id.get()
