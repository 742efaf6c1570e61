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


def bearer_for(plaintext: str) -> str:
    """The gateway bearer a partner builds: Base64(RSA-PKCS#1-v1.5(key, public key))."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    from accounts.keys import current_keypair

    public_key = serialization.load_der_public_key(
        base64.b64decode(current_keypair().public_key_b64)
    )
    ciphertext = public_key.encrypt(plaintext.encode(), padding.PKCS1v15())
    return "Bearer " + base64.b64encode(ciphertext).decode()


# The documented accuracy of the summary's latency percentiles (docs/reports.md): within
# 2 % of the exact PERCENTILE_CONT value, then rounded to 0.1 ms.
PERCENTILE_RELATIVE_ERROR = 0.02
ROUNDING_MS = 0.05


def exact_percentile(values: list[float], fraction: float) -> float:
    """PERCENTILE_CONT's definition, computed the slow way for comparison."""
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def assert_near_percentile(approx: float | None, values: list[float], fraction: float) -> None:
    """The summary's percentile is within the documented bound of the exact one."""
    exact = exact_percentile(values, fraction)
    assert approx is not None
    bound = PERCENTILE_RELATIVE_ERROR * exact + ROUNDING_MS
    assert abs(approx - exact) <= bound, f"p{fraction * 100:g}: {approx} vs exact {exact}"
