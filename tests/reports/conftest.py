"""Fixtures for reports: call-log rows written straight to the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.factories import ApiCallFactory


@pytest.fixture
def make_call():
    """make_call(key, at=datetime, **fields) -> ApiCall (defaults: a successful C2B)."""

    def make(key, at: datetime | None = None, **fields):
        if at is not None:
            fields["created_at"] = at
        return ApiCallFactory(api_key=key, user=key.user, **fields)

    return make


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


FAILED = {
    "result_code": "INS-10",
    "result_desc": "Duplicate Transaction",
    "http_status": 409,
    "is_success": False,
}
