"""Gateway authentication: the bearer (DESIGN.md, "Credentials"; reference §3).

    credential = authenticate(request.headers.get("Authorization"))

Bearer = Base64(RSA-PKCS#1-v1.5(API key or session id, gateway public key)). Every
failure raises the same `BearerError` (bad Base64, wrong length, bad padding, unknown
or retired key, inactive developer, expired or not yet active session, live key on the
sandbox): the gateway answers all of them identically, so it is no padding oracle.

Cost: RSA-4096 decryption takes about 1.5 ms, and clients reuse one bearer for many
calls (it is randomised, but they build it once). The cache maps the bearer's digest
to what it decrypted to (a credential reference), so a reused bearer costs no RSA
operation. The credential's state (key not retired, developer active, session within
its lifetime, keypair still accepted) is NOT cached: one query checks it on every call,
so a renewed key is refused on the very next call, whichever process serves it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts import crypto, keys
from accounts.models import ApiKey, GatewayKeypair, User
from sandbox.models import Session

RSA_CIPHERTEXT_BYTES = keys.RSA_KEY_BITS // 8  # 512: a 684-character bearer
_CACHE_PREFIX = "sandbox:bearer:"


class BearerError(Exception):
    """The bearer is not accepted. One message for every reason (no oracle)."""

    MESSAGE = "Invalid API Key"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


@dataclass(frozen=True)
class Credential:
    """Who is calling: the API key (always), and the session when the bearer is one."""

    api_key: ApiKey
    user: User
    session: Session | None
    kind: str  # "api_key" or "session"


def authenticate(authorization_header: str | None, *, environment: str = "sandbox") -> Credential:
    """The credential behind an `Authorization: Bearer ...` header, or BearerError.

    Every failure costs the RSA decryptions an unknown bearer costs, even when none was
    needed (malformed token; cached bearer of a since-retired key or expired session):
    otherwise the answer's time would tell a once-valid bearer from garbage.
    """
    decrypted = False
    try:
        token = _token(authorization_header)
        cache_key = f"{_CACHE_PREFIX}{environment}:{hashlib.sha256(token.encode()).hexdigest()}"
        reference = cache.get(cache_key)
        if reference is None:
            reference, decrypted = _decrypt_and_resolve(token, environment), True
            cache.set(cache_key, reference, timeout=settings.SANDBOX_BEARER_CACHE_SECONDS)
        kind, pk, keypair_pk = reference
        return _load_active(kind, pk, keypair_pk, environment)
    except _Refused:
        raise BearerError from None  # _decrypt_and_resolve already decrypted
    except BearerError:
        if not decrypted:
            _spend_decryptions(environment)
        raise


def forget_bearer(authorization_header: str, *, environment: str = "sandbox") -> None:
    """Drop a bearer from the cache (tests; an operator clearing a leaked bearer)."""
    token = _token(authorization_header)
    cache.delete(f"{_CACHE_PREFIX}{environment}:{hashlib.sha256(token.encode()).hexdigest()}")


def rsa_decrypt(private_key: rsa.RSAPrivateKey, ciphertext: bytes) -> bytes:
    """The one RSA operation of the gateway (a seam for tests counting its calls)."""
    return private_key.decrypt(ciphertext, padding.PKCS1v15())


def _token(header: str | None) -> str:
    if not header:
        raise BearerError
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise BearerError
    # The portal's own documentation sample carries a stray space inside the Base64
    # (reference §3.2): whitespace is never part of Base64, so drop it.
    token = "".join(rest.split())
    if not token or len(token) > 2 * RSA_CIPHERTEXT_BYTES:
        raise BearerError
    return token


class _Refused(BearerError):
    """A bearer refused after its RSA decryptions (nothing left to spend)."""


# An all-zero ciphertext: decrypting it costs what any ciphertext costs, and fails.
_DUMMY_CIPHERTEXT = bytes(RSA_CIPHERTEXT_BYTES)


def _spend_decryptions(environment: str) -> None:
    """The RSA work of refusing a well-formed unknown bearer (one per accepted keypair)."""
    for keypair in keys.accepted_keypairs(environment):
        with contextlib.suppress(ValueError):
            keys.private_key_of(keypair).decrypt(_DUMMY_CIPHERTEXT, padding.PKCS1v15())


def _decrypt_and_resolve(token: str, environment: str) -> tuple[str, int, int]:
    try:
        ciphertext = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        raise BearerError from None
    if len(ciphertext) != RSA_CIPHERTEXT_BYTES:
        raise BearerError
    # Current keypair first, then superseded ones inside their overlap window. Every
    # accepted keypair decrypts, found or not, so a refusal costs the same whatever the
    # bearer held (the result is cached: a reused bearer costs no RSA at all).
    found = None
    for keypair in keys.accepted_keypairs(environment):
        try:
            plaintext = rsa_decrypt(keys.private_key_of(keypair), ciphertext).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            continue
        reference = None if found else _resolve(plaintext, environment)
        if reference is not None:
            found = (*reference, keypair.pk)
    if found is None:
        raise _Refused
    return found


def _resolve(plaintext: str, environment: str) -> tuple[str, int] | None:
    """Which credential a decrypted bearer names (its state is checked later)."""
    if len(plaintext) != keys.API_KEY_LENGTH:
        return None
    digest = crypto.digest(plaintext)
    key_pk = (
        ApiKey.objects.filter(digest=digest, environment=environment)
        .values_list("pk", flat=True)
        .first()
    )
    if key_pk is not None:
        return ("api_key", key_pk)
    session_pk = Session.objects.filter(digest=digest).values_list("pk", flat=True).first()
    if session_pk is not None:
        return ("session", session_pk)
    return None


# The state check runs on every call, so it is one hand-written query per credential
# kind: the ORM spends several times longer compiling the equivalent join + EXISTS than
# the database spends answering it (bench/gateway.py). Table names come from the models
# and every value is a query parameter.
_KEY, _USER, _SESSION, _KEYPAIR = (
    m._meta.db_table for m in (ApiKey, User, Session, GatewayKeypair)
)
# A key renewed with an overlap ("roll") has its retired_at in the future: usable until then.
# Keys of staff accounts are refused (issue 18, finding 12): staff skip the phone step,
# so a staff key would be an unverified developer account with admin rights behind it.
_KEY_USABLE = f"""
    (k.retired_at IS NULL OR k.retired_at > %s) AND k.environment = %s AND u.is_active = %s
    AND u.is_staff = %s
    AND EXISTS (
        SELECT 1 FROM {_KEYPAIR} g
        WHERE g.id = %s AND (g.accepted_until IS NULL OR g.accepted_until > %s))"""  # noqa: S608
_API_KEY_SQL = f"""
    SELECT k.* FROM {_KEY} k JOIN {_USER} u ON u.id = k.user_id
    WHERE k.id = %s AND {_KEY_USABLE}"""  # noqa: S608
_SESSION_SQL = f"""
    SELECT s.* FROM {_SESSION} s JOIN {_KEY} k ON k.id = s.api_key_id
    JOIN {_USER} u ON u.id = k.user_id
    WHERE s.id = %s AND s.active_from <= %s AND s.expires_at > %s AND {_KEY_USABLE}"""  # noqa: S608
_BY_ID_SQL = "SELECT * FROM {table} WHERE id = %s"


def _by_id(model, pk: int):
    return next(iter(model.objects.raw(_BY_ID_SQL.format(table=model._meta.db_table), [pk])))


def _load_active(kind: str, pk: int, keypair_pk: int, environment: str) -> Credential:
    """The credential, only if it is usable right now: key not retired (or inside its
    overlap) and of this environment, developer active, keypair still accepted, session
    within its window."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    usable = [now, environment, True, False, keypair_pk, now]
    session = None
    if kind == "api_key":
        api_key = next(iter(ApiKey.objects.raw(_API_KEY_SQL, [pk, *usable])), None)
    else:
        session = next(iter(Session.objects.raw(_SESSION_SQL, [pk, now, now, *usable])), None)
        api_key = _by_id(ApiKey, session.api_key_id) if session else None
    if api_key is None:
        raise BearerError
    user = _by_id(User, api_key.user_id)
    api_key.user = user
    if session is not None:
        session.api_key = api_key
    return Credential(api_key=api_key, user=user, session=session, kind=kind)


__all__ = ["BearerError", "Credential", "authenticate", "rsa_decrypt"]
