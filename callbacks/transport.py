"""The HTTP side of one delivery attempt: a POST to the address `netguard.ssrf` checked,
over a connection the process keeps alive for the next attempt to the same listener.

Each process keeps up to MAX_POOLS connection pools, one per (scheme, host name, checked
address, port, CA bundle), the least recently used closed first. The guard runs before
every attempt, and the pool is chosen by the address it returned, so a kept-alive
connection is only ever used for an address that passed the check of this attempt: a
URL that now resolves elsewhere, or an address that the settings no longer admit, never
reaches an old connection. The host name is part of the key, so a connection opened
(and, for https, verified) for one name never carries a callback for another name on the
same address.

A listener may close an idle connection at the moment a request goes out on it (its
keep-alive timeout): that POST fails before any answer. Such a failure on a reused
connection is retried once at once on a new connection, not counted as a failed attempt;
the listener may then receive it twice, under the same delivery id, which is what
at-least-once delivery allows (docs/callbacks.md).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import certifi
import urllib3
from django.conf import settings

from netguard import ssrf

# Enough of the listener's answer for its acknowledgement (§6.2) and an excerpt; the
# rest is not read, so a listener streaming megabytes cannot hold a worker.
RESPONSE_READ_LIMIT = 16 * 1024
# Pools kept per process (distinct listeners recently delivered to), and idle
# connections kept per pool (a threads pool may post to one listener from several threads).
MAX_POOLS = 64
CONNECTIONS_PER_POOL = 8


class TransportError(Exception):
    """The POST got no answer; the message says why, for the attempt's log."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes  # at most RESPONSE_READ_LIMIT bytes


class _Reuse(threading.local):
    """Whether the connection of this thread's last request was a kept-alive one."""

    reused = False


_reuse = _Reuse()


def _note_reuse(conn) -> None:
    # urllib3 closes a pooled connection it finds dropped (sock None) and opens new ones
    # lazily (sock None too): an open socket here is a kept-alive connection.
    _reuse.reused = getattr(conn, "sock", None) is not None


class _HTTPPool(urllib3.HTTPConnectionPool):
    def _get_conn(self, timeout=None):
        conn = super()._get_conn(timeout)
        _note_reuse(conn)
        return conn


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    def _get_conn(self, timeout=None):
        conn = super()._get_conn(timeout)
        _note_reuse(conn)
        return conn


_lock = threading.Lock()
_pools: OrderedDict[tuple, urllib3.HTTPConnectionPool] = OrderedDict()
_pools_pid = os.getpid()


def _new_pool(resolved: ssrf.ResolvedUrl, ca_certs: str) -> urllib3.HTTPConnectionPool:
    """A pool that connects to the checked address, never resolving the name again.

    For https the TLS handshake still sends the host name (SNI) and the certificate is
    verified against it, so pinning the address costs no security.
    """
    if resolved.scheme == "https":
        return _HTTPSPool(
            str(resolved.ip),
            resolved.port,
            server_hostname=resolved.hostname,
            assert_hostname=resolved.hostname,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_certs,
            maxsize=CONNECTIONS_PER_POOL,
            retries=False,
        )
    return _HTTPPool(str(resolved.ip), resolved.port, maxsize=CONNECTIONS_PER_POOL, retries=False)


def _pool_for(resolved: ssrf.ResolvedUrl) -> urllib3.HTTPConnectionPool:
    global _pools_pid
    ca_certs = ""
    if resolved.scheme == "https":
        ca_certs = settings.CALLBACK_CA_BUNDLE or certifi.where()
    key = (resolved.scheme, resolved.hostname, str(resolved.ip), resolved.port, ca_certs)
    with _lock:
        if _pools_pid != os.getpid():
            # A forked child never writes on its parent's sockets.
            _pools.clear()
            _pools_pid = os.getpid()
        pool = _pools.get(key)
        if pool is not None:
            _pools.move_to_end(key)
            return pool
        pool = _pools[key] = _new_pool(resolved, ca_certs)
        if len(_pools) > MAX_POOLS:
            _, oldest = _pools.popitem(last=False)
            oldest.close()
        return pool


def close_all() -> None:
    """Close every kept-alive connection of this process."""
    with _lock:
        while _pools:
            _, pool = _pools.popitem()
            pool.close()


def post(resolved: ssrf.ResolvedUrl, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to the checked address of `resolved`; raises TransportError.

    Redirects are not followed. Only the first RESPONSE_READ_LIMIT bytes of the answer
    are read; the connection is kept for the next attempt only when the whole answer
    was read (its Content-Length reached), else it is closed.
    """
    timeout = urllib3.Timeout(
        connect=settings.CALLBACK_TIMEOUT_SECONDS, read=settings.CALLBACK_TIMEOUT_SECONDS
    )
    pool = _pool_for(resolved)
    try:
        for retry in (True, False):
            try:
                response = pool.urlopen(
                    "POST",
                    resolved.target,
                    body=body,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                    timeout=timeout,
                )
                break
            except urllib3.exceptions.ProtocolError:
                # Closed or reset before any answer. On a kept-alive connection that is
                # the listener's idle timeout racing this request: once more, on a new one.
                if not (retry and _reuse.reused):
                    raise
        raw = response.read(RESPONSE_READ_LIMIT)
        answer = Answer(
            status=response.status,
            headers={k: v[:200] for k, v in list(response.headers.items())[:30]},
            body=raw,
        )
        if response.length_remaining != 0:
            response.close()  # unread bytes (or no Content-Length): not reusable
        response.release_conn()
        return answer
    except urllib3.exceptions.NewConnectionError as exc:
        # Checked first: urllib3 makes it a subclass of ConnectTimeoutError.
        raise TransportError(f"Connection failed: {_reason(exc)}"[:500]) from exc
    except urllib3.exceptions.TimeoutError as exc:
        raise TransportError(f"No answer within {settings.CALLBACK_TIMEOUT_SECONDS:g} s.") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise TransportError(f"Connection failed: {_reason(exc)}"[:500]) from exc


def _reason(exc: Exception) -> str:
    # urllib3 prefixes its messages with the connection object's repr: drop it.
    text = str(getattr(exc, "reason", None) or exc)
    return text.split(">: ", 1)[-1]
