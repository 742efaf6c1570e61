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
