"""Helpers for gateway tests: bearers built the way client libraries build them."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

from accounts import keys

GATEWAY_PREFIX = "/sandbox/ipg/v2"


def bearer_for(secret: str, *, public_key_b64: str | None = None) -> str:
    """Base64(RSA-PKCS#1-v1.5(secret)) with the gateway's current public key (§3.2)."""
    public_key_b64 = public_key_b64 or keys.current_keypair().public_key_b64
    public_key = serialization.load_der_public_key(base64.b64decode(public_key_b64))
    ciphertext = public_key.encrypt(secret.encode("ascii"), padding.PKCS1v15())
    return base64.b64encode(ciphertext).decode()


def auth_header(secret: str, **kwargs) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer_for(secret, **kwargs)}"}
