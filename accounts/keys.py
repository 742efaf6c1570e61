"""Credentials: developers' API keys and the gateway's RSA keypairs.

Both live here, at the bottom of the layers, because a bearer is one encrypted with the
other and several apps need them: the gateway decrypts bearers (sandbox/auth.py), the
docs fill samples and the console, Go Live issues live keys, My Profile shows them.
Renewing a developer's key goes through services.renew_api_key (it records the event).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
import threading
from datetime import timedelta
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import crypto
from accounts.models import ApiKey, Application, Environment, GatewayKeypair, User

API_KEY_ALPHABET = string.ascii_lowercase + string.digits
API_KEY_LENGTH = 32
RSA_KEY_BITS = 4096


# --- API keys -----------------------------------------------------------------------


def generate_api_key() -> str:
    """32 characters of [a-z0-9], the shape of the portal's keys (reference §3.1)."""
    return "".join(secrets.choice(API_KEY_ALPHABET) for _ in range(API_KEY_LENGTH))


def default_application(user: User) -> Application:
    """The developer's "Default" application (registration makes it; made here on first
    use for accounts that predate it, e.g. staff or `create_developer`)."""
    application = Application.objects.filter(user=user, is_default=True).first()
    if application is None:
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    user=user, name=Application.DEFAULT_NAME, is_default=True
                )
        except IntegrityError:  # a concurrent first use made it
            application = Application.objects.get(user=user, is_default=True)
    return application


class StaffKeyError(PermissionError):
    """An API key was asked for a staff account."""


def issue_api_key(
    user: User,
    *,
    environment: str = Environment.SANDBOX,
    application: Application | None = None,
) -> tuple[ApiKey, str]:
    """Create the current key of `application` (default: the Default application) for
    `environment`; returns the row and the plaintext.

    Callers retire the previous current key first (services.renew_api_key does both
    atomically, and records the security event).
    """
    if user.is_staff:
        # Staff skip the phone step and work in the admin: they get no keys, and the
        # gateway refuses any they hold (issue 18, finding 12; docs/security.md).
        raise StaffKeyError("Staff accounts do not get API keys.")
    application = application or default_application(user)
    plaintext = generate_api_key()
    key = ApiKey.objects.create(
        user=user,
        application=application,
        environment=environment,
        digest=crypto.digest(plaintext),
        encrypted=crypto.encrypt(plaintext),
        last4=plaintext[-4:],
    )
    return key, plaintext


def active_api_key(
    user: User,
    *,
    environment: str = Environment.SANDBOX,
    application: Application | None = None,
) -> ApiKey | None:
    """The current key of `application` (default: the Default application)."""
    keys = ApiKey.objects.filter(user=user, environment=environment).active()
    if application is not None:
        return keys.filter(application=application).first()
    return keys.filter(application__is_default=True).first()


# --- Gateway keypairs ---------------------------------------------------------------


def _generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)


def _create_keypair(environment: str) -> GatewayKeypair:
    private_key = _generate_private_key()
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return GatewayKeypair.objects.create(
        environment=environment,
        public_key_b64=base64.b64encode(der).decode(),
        private_key_encrypted=crypto.encrypt(pem),
    )


def current_keypair(environment: str = Environment.SANDBOX) -> GatewayKeypair:
    """The newest keypair of the environment, created the first time it is needed."""
    keypair = GatewayKeypair.objects.filter(environment=environment).order_by("-created_at").first()
    if keypair is not None:
        return keypair
    try:
        with transaction.atomic():
            return _create_keypair(environment)
    except IntegrityError:  # pragma: no cover - another process created it concurrently
        return GatewayKeypair.objects.filter(environment=environment).latest("created_at")


def accepted_keypairs(environment: str = Environment.SANDBOX) -> list[GatewayKeypair]:
    """The current keypair first, then superseded ones still inside their overlap."""
    current = current_keypair(environment)
    older = GatewayKeypair.objects.filter(
        environment=environment, accepted_until__gt=timezone.now()
    ).exclude(pk=current.pk)
    return [current, *older.order_by("-created_at")]


@transaction.atomic
def rotate_gateway_keypair(
    environment: str = Environment.SANDBOX, *, overlap: timedelta
) -> GatewayKeypair:
    """Make a new current keypair; the previous ones stay accepted for `overlap`."""
    until = timezone.now() + overlap
    GatewayKeypair.objects.filter(environment=environment, accepted_until__isnull=True).update(
        accepted_until=until
    )
    return _create_keypair(environment)


@lru_cache(maxsize=16)
def _load_private_key(keypair_pk: int, encrypted_pem: str) -> rsa.RSAPrivateKey:
    # Keyed by the row and its ciphertext: the key never changes for a given row, so each
    # process decrypts it once.
    return _parse_private_key(crypto.decrypt(encrypted_pem).encode())


_parsed_keys: dict[bytes, rsa.RSAPrivateKey] = {}
_parsed_keys_lock = threading.Lock()


def _parse_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    """The key of a PEM, parsed once per process (keyed by the PEM's SHA-256).

    Parsing validates the RSA key (OpenSSL checks its primes): 0.2-0.9 s for 4096 bits.
    The same key can sit in several rows, each with its own ciphertext (Fernet's IV is
    random): a restored backup, a test database rebuilt around one key; it is parsed once.
    """
    digest = hashlib.sha256(pem).digest()
    key = _parsed_keys.get(digest)
    if key is None:
        loaded = serialization.load_pem_private_key(pem, None)
        assert isinstance(loaded, rsa.RSAPrivateKey)
        with _parsed_keys_lock:
            key = _parsed_keys.setdefault(digest, loaded)
            while len(_parsed_keys) > 16:  # rotations: keep the newest few
                del _parsed_keys[next(iter(_parsed_keys))]
    return key


def private_key_of(keypair: GatewayKeypair) -> rsa.RSAPrivateKey:
    return _load_private_key(keypair.pk, keypair.private_key_encrypted)


def public_key_pem(keypair: GatewayKeypair) -> str:
    body = keypair.public_key_b64
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"
