"""Gateway authentication: the bearer (DESIGN.md, "Credentials"; reference §3).

    credential = authenticate(request.headers.get("Authorization"))

Bearer = Base64(RSA-PKCS#1-v1.5(API key or session id, gateway public key)). Every
failure raises the same `BearerError` (bad Base64, wrong length, bad padding, unknown
or retired key, inactive developer, expired or not yet active session, live key on the
sandbox): the gateway answers all of them identically, so it is no padding oracle.

Cost: RSA-4096 decryption takes about 1.5 ms, and clients reuse one bearer for many
calls (it is randomised, but they build it once). The cache maps the bearer's digest
to what it decrypted to (a credential reference), so a reused bearer costs no RSA
operation: the shared cache, so that each bearer is decrypted once whichever process
sees it, with a copy in each process in front of it (a bearer always names the same
credential: the copy saves a round trip to the shared cache on every call). The
credential's state (key not retired, developer active, session within its lifetime,
keypair still accepted) is NOT cached: one query checks it on every call, so a renewed
key is refused on the very next call, whichever process serves it.

Refusals: a header that is not a well-formed 512-byte bearer (absent, another scheme,
bad Base64, wrong length) is refused at once, with no RSA: its shape tells nothing an
attacker does not know. A well-formed ciphertext that fails costs the RSA work of an
unknown one (one decryption per accepted keypair), found or not, cached or not, so its
time tells nothing either. Those failures count against the client address's budget in
the shared cache (SANDBOX_AUTH_FAILURES_PER_MINUTE); past it the same refusal comes
back without any RSA until the minute is over (a cached, valid bearer still works).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest
from django.utils import timezone

from accounts import crypto, keys
from accounts.models import ApiKey, Application, GatewayKeypair, User
from sandbox import counters, rows
from sandbox.models import Session
from telemetry import metrics

RSA_CIPHERTEXT_BYTES = keys.RSA_KEY_BITS // 8  # 512: a 684-character bearer
_CACHE_PREFIX = "sandbox:bearer:"
_FAILURES_PREFIX = "sandbox:authfail:"


class BearerError(Exception):
    """The bearer is not accepted. One message for every reason (no oracle)."""

    MESSAGE = "Invalid API Key"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


@dataclass(frozen=True)
class Credential:
    """Who is calling: the API key (always), and the session when the bearer is one."""

    api_key: ApiKey
    application: Application  # the key's: the settings the gateway enforces
    user: User
    session: Session | None
    kind: str  # "api_key" or "session"

    @property
    def is_session(self) -> bool:
        return self.kind == "session"


def authenticate(
    authorization_header: str | None,
    *,
    environment: str = "sandbox",
    client: Callable[[], str] | None = None,
) -> Credential:
    """The credential behind an `Authorization: Bearer ...` header, or BearerError.

    A malformed header is refused with no RSA. Every other failure costs the RSA
    decryptions an unknown bearer costs, even when none was needed (cached bearer of a
    since-retired key or expired session): otherwise the answer's time would tell a
    once-valid bearer from garbage. `client` returns the caller's address (e.g.
    `lambda: client_address(request)`; only read when a bearer is not in the cache or
    fails): its failure budget counts them, and past the budget a bearer not in the
    cache is refused unread.
    """
    token = _token(authorization_header)  # BearerError, no RSA: nothing to hide
    decrypted = False
    try:
        cache_key = f"{_CACHE_PREFIX}{environment}:{hashlib.sha256(token.encode()).hexdigest()}"
        reference = _KNOWN.get(cache_key)
        if reference is not None:
            metrics.BEARER_CACHE_HITS.inc()
        else:
            reference = cache.get(cache_key)
            if reference is None:
                if not _within_failure_budget(client, environment):
                    raise _Refused  # past the budget: refused unread, no RSA
                decrypted = True  # a refusal below comes after every keypair decrypted
                metrics.BEARER_RSA_DECRYPTIONS.inc()
                reference = _decrypt_and_resolve(token, environment)
                cache.set(cache_key, reference, timeout=settings.SANDBOX_BEARER_CACHE_SECONDS)
            else:
                metrics.BEARER_CACHE_HITS.inc()
            _KNOWN.put(cache_key, reference)
        kind, pk, keypair_pk = reference
        return _load_active(kind, pk, keypair_pk, environment)
    except _Refused:
        _count_failure(client, environment)
        raise BearerError from None
    except BearerError:
        # A cached bearer whose credential is no longer usable: spend what an unknown
        # bearer costs, unless the address is past its budget (then nothing costs RSA).
        if not decrypted and _within_failure_budget(client, environment):
            _spend_decryptions(environment)
        _count_failure(client, environment)
        raise


def client_address(request: HttpRequest) -> str:
    """The caller's address as TRUSTED_PROXY_COUNT says (allauth's reading of
    X-Forwarded-For, the same one its own rate limits use); REMOTE_ADDR otherwise."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):  # short X-Forwarded-For, no address
        return request.META.get("REMOTE_ADDR") or "unknown"


def _failure_key(client: str, environment: str) -> str:
    return f"{_FAILURES_PREFIX}{environment}:{client}:{int(time.time() // 60)}"


def _within_failure_budget(client: Callable[[], str] | None, environment: str) -> bool:
    if client is None:
        return True
    count = cache.get(_failure_key(client(), environment), 0)
    return count < settings.SANDBOX_AUTH_FAILURES_PER_MINUTE


def _count_failure(client: Callable[[], str] | None, environment: str) -> None:
    """One more failed authentication for this address in this minute (shared cache)."""
    if client is None:
        return
    counters.count(_failure_key(client(), environment), timeout=120)


def forget_bearer(authorization_header: str, *, environment: str = "sandbox") -> None:
    """Drop a bearer from the shared cache and this process's copy (tests; an operator
    clearing a leaked bearer: its next call costs an RSA decryption again)."""
    token = _token(authorization_header)
    cache_key = f"{_CACHE_PREFIX}{environment}:{hashlib.sha256(token.encode()).hexdigest()}"
    _KNOWN.forget(cache_key)
    cache.delete(cache_key)


class _KnownBearers:
    """This process's copy of the bearer cache: cache key -> credential reference.

    A reference never changes for a bearer (the ciphertext decrypts to one API key or
    session id for as long as its keypair exists, and the state check on every call
    refuses it once it is no longer usable), so a copy is never wrong, only kept: each
    entry for SANDBOX_BEARER_CACHE_SECONDS as in the shared cache, at most MAX_ENTRIES
    (the oldest goes first). Read without a lock: one dict lookup is atomic."""

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, tuple[str, int, int]]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[str, int, int] | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, reference: tuple[str, int, int]) -> None:
        with self._lock:
            self._entries.pop(key, None)  # an expired copy: renewed at the end
            while len(self._entries) >= self.MAX_ENTRIES:
                del self._entries[next(iter(self._entries))]  # dicts keep insertion order
            expires = time.monotonic() + settings.SANDBOX_BEARER_CACHE_SECONDS
            self._entries[key] = (expires, reference)

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


_KNOWN = _KnownBearers()


def rsa_decrypt(private_key: rsa.RSAPrivateKey, ciphertext: bytes) -> bytes:
    """The one RSA operation of the gateway (a seam for tests counting its calls)."""
    return private_key.decrypt(ciphertext, padding.PKCS1v15())


def _token(header: str | None) -> str:
    """The bearer's Base64 text, only when it is well-formed: scheme Bearer, valid Base64
    of exactly one 512-byte ciphertext. Anything else is BearerError, before any RSA."""
    if not header:
        raise BearerError
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise BearerError
    # The portal's own documentation sample carries a stray space inside the Base64
    # (reference §3.2): whitespace is never part of Base64, so drop it.
    token = "".join(rest.split())
    if len(token) != _BEARER_CHARACTERS:
        raise BearerError
    try:
        ciphertext = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        raise BearerError from None
    if len(ciphertext) != RSA_CIPHERTEXT_BYTES:
        raise BearerError
    return token


# Base64 of 512 bytes, padding included.
_BEARER_CHARACTERS = 4 * ((RSA_CIPHERTEXT_BYTES + 2) // 3)


class _Refused(BearerError):
    """A bearer refused with nothing left to spend: after its RSA decryptions, or unread
    past the address's failure budget."""


# An all-zero ciphertext: decrypting it costs what any ciphertext costs, and fails.
_DUMMY_CIPHERTEXT = bytes(RSA_CIPHERTEXT_BYTES)


def _spend_decryptions(environment: str) -> None:
    """The RSA work of refusing a well-formed unknown bearer (one per accepted keypair)."""
    for keypair in keys.accepted_keypairs(environment):
        with contextlib.suppress(ValueError):
            keys.private_key_of(keypair).decrypt(_DUMMY_CIPHERTEXT, padding.PKCS1v15())


def _decrypt_and_resolve(token: str, environment: str) -> tuple[str, int, int]:
    ciphertext = base64.b64decode(token)  # well-formed: _token checked it
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
# kind, which also loads everything the call needs: the key, its application (the
# settings the gateway enforces, docs/gateway.md "Applications"), the developer and the
# session. The ORM spends several times longer compiling the equivalent join + EXISTS
# than the database spends answering it (bench/gateway.py). Table and column names come
# from the models and every value is a query parameter.
_KEY, _APP, _USER, _SESSION, _KEYPAIR = (
    m._meta.db_table for m in (ApiKey, Application, User, Session, GatewayKeypair)
)


_LOADED = f"""
    {rows.columns(ApiKey, "k")}, {rows.columns(Application, "a")}, {rows.columns(User, "u")}
    FROM {_KEY} k JOIN {_APP} a ON a.id = k.application_id JOIN {_USER} u ON u.id = k.user_id"""  # noqa: S608
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
    SELECT {_LOADED}
    WHERE k.id = %s AND {_KEY_USABLE}"""  # noqa: S608
_SESSION_SQL = f"""
    SELECT {rows.columns(Session, "s")}, {_LOADED}
    JOIN {_SESSION} s ON s.api_key_id = k.id
    WHERE s.id = %s AND s.active_from <= %s AND s.expires_at > %s AND {_KEY_USABLE}"""  # noqa: S608


def _load_active(kind: str, pk: int, keypair_pk: int, environment: str) -> Credential:
    """The credential, only if it is usable right now: key not retired (or inside its
    overlap) and of this environment, developer active, keypair still accepted, session
    within its window. One query, whatever the kind."""
    conn = connections[DEFAULT_DB_ALIAS]  # this thread's connection, looked up once
    now = conn.ops.adapt_datetimefield_value(timezone.now())
    usable = [now, environment, True, False, keypair_pk, now]
    with rows.statement_cursor(conn) as cursor:
        if kind == "api_key":
            cursor.execute(_API_KEY_SQL, [pk, *usable])
        else:
            cursor.execute(_SESSION_SQL, [pk, now, now, *usable])
        row = cursor.fetchone()
    if row is None:
        raise BearerError
    session = None
    if kind == "session":
        session, api_key, application, user = rows.instances(
            conn, row, Session, ApiKey, Application, User
        )
    else:
        api_key, application, user = rows.instances(conn, row, ApiKey, Application, User)
    application.user = user
    api_key.application = application
    api_key.user = user
    if session is not None:
        session.api_key = api_key
    return Credential(
        api_key=api_key, application=application, user=user, session=session, kind=kind
    )


__all__ = ["BearerError", "Credential", "authenticate", "client_address", "rsa_decrypt"]
