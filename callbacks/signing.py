"""Signing: each developer's HMAC-SHA256 secret (created on first use, rotated at once)
and the signature every callback carries (docs/callbacks.md, "Verifying a callback")."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from accounts import crypto
from callbacks.models import CallbackSigningSecret

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_hex(32)


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
