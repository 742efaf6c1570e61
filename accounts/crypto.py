"""Secrets at rest: Fernet encryption with the keys of FIELD_ENCRYPTION_KEYS.

The first key encrypts; all keys decrypt, so the key can be rotated by putting a new
key first and re-encrypting (`manage.py reencrypt_secrets`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (current) key."""
    return fernet().rotate(token.encode()).decode()


def digest(secret: str) -> str:
    """Lookup digest of a high-entropy secret (API keys, session ids, bearers).

    A plain SHA-256 suffices: the secrets are random with >= 128 bits of entropy, so
    there is nothing to brute-force.
    """
    return hashlib.sha256(secret.encode()).hexdigest()
