"""Counters in the shared cache: the gateway's per-key rate limit and the per-address
budget of failed bearers (sandbox.services, sandbox.auth)."""

from __future__ import annotations

from django.core.cache import cache


def count(key: str, *, timeout: int) -> int:
    """Add one to the counter `key` in the default cache and return the new value; a
    counter that did not exist starts at 1 and expires after `timeout` seconds.

    The portal's Redis cache does this in one round trip (`count`, portal/cache.py);
    any other cache (the embedded local-memory one) takes Django's incr, and add for
    the first call of a counter."""
    counter = getattr(cache, "count", None)
    if counter is not None:
        return counter(key, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet (else a concurrent call made it in between)
        return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)
