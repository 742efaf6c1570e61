"""Django's Redis cache, with `clear()` limited to this cache's own keys, one client
object per connection pool, and a counter in one round trip.

Django's RedisCache.clear() runs FLUSHDB. The portal's cache and its Celery broker may
share one Redis database (one REDIS_URL), so a cache clear would also delete every task
waiting in the broker's queues. Here clear() deletes only keys under KEY_PREFIX.

Django's client makes a new `redis.Redis` for every cache operation. redis-py 8 builds
its table of response callbacks (about 170 entries, case-folded) in that constructor,
which cost more CPU than the round trip it served: three of them per gateway call
(docs/performance.md). A Redis client is thread-safe (each command takes a connection
from the pool), so one per pool is made once and reused.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property


class ReusedClientRedisCacheClient(RedisCacheClient):
    """RedisCacheClient whose `redis.Redis` objects are made once per connection pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # _get_connection_pool and _client are Django's (missing from django-stubs).
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class PrefixedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def clear(self) -> None:
        # RedisCache._cache (a cached_property of the client) is missing from django-stubs.
        client = self._cache.get_client(write=True)  # type: ignore[attr-defined]
        batch: list[bytes] = []
        for key in client.scan_iter(match=self.make_key("*"), count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.unlink(*batch)
                batch.clear()
        if batch:
            client.unlink(*batch)

    def count(self, key: str, *, timeout: int) -> int:
        """Add one to the counter `key` and return it; a new counter expires after
        `timeout` seconds (an existing one keeps its expiry). One command (a script: INCR,
        and EXPIRE when it made the counter, atomic in Redis), where Django's `incr`
        takes two round trips (EXISTS, INCR) and a missing key a third (`add`). Counters
        are stored as Django stores integers (as they are, not pickled), so `get` reads
        them."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        script = self._count_scripts.get(id(client))  # one client per pool, kept
        if script is None:
            script = self._count_scripts[id(client)] = client.register_script(_COUNT)
        return int(script(keys=[key], args=[timeout]))

    @cached_property
    def _count_scripts(self) -> dict[int, Any]:
        return {}


# EVALSHA after the first call (redis-py's Script loads it again if Redis lost it).
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
