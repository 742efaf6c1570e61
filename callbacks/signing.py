"""Signing: each developer's HMAC-SHA256 secret (created on first use, rotated at once)
and the two signatures every callback carries (docs/callbacks.md, "Verifying the
signature"): the portal's own `X-Mpesa-Signature` and the Standard Webhooks
`webhook-signature` (https://www.standardwebhooks.com/), which the official
`standardwebhooks` library of any language verifies.

The secret is `whsec_<base64>`, the form Standard Webhooks uses: its HMAC key is the
base64-decoded part after the prefix. `X-Mpesa-Signature`, older than that choice, keys
its HMAC with the whole secret string, as receivers written for it expect. Secrets made
before the switch are `whsec_` + 64 hex digits, which is valid base64 too (48 bytes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from accounts import crypto
from callbacks.models import CallbackSigningSecret

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def _new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def get_signing_secret(user) -> CallbackSigningSecret:
    """The developer's signing secret, created the first time it is needed."""
    secret, _ = CallbackSigningSecret.objects.get_or_create(
        user=user, defaults={"secret_encrypted": crypto.encrypt(_new_secret())}
    )
    return secret


@transaction.atomic
def rotate_signing_secret(user) -> CallbackSigningSecret:
    """Replace the signing secret at once: every attempt from now on, retries of older
    deliveries included, is signed with the new one."""
    secret = get_signing_secret(user)
    secret.secret_encrypted = crypto.encrypt(_new_secret())
    secret.rotated_at = timezone.now()
    secret.save(update_fields=["secret_encrypted", "rotated_at"])
    return secret


def sign(secret: str, delivery_id: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `<delivery id>.<timestamp>.<body>` keyed with the secret."""
    message = f"{delivery_id}.{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str, *, delivery_id: str, timestamp: str, body: bytes, header: str
) -> bool:
    """What a listener does (docs/callbacks.md); used by the tests and the benchmark."""
    expected = "sha256=" + sign(secret, delivery_id, timestamp, body)
    return hmac.compare_digest(expected, header)


def standard_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret (Standard Webhooks): the decoded bytes."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error:
        # Unpadded base64 (the official libraries accept it): pad it.
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4))


def standard_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """The `webhook-signature` header: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`."""
    message = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
