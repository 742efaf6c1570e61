"""Django's Redis cache, with `clear()` limited to this cache's own keys.

Django's RedisCache.clear() runs FLUSHDB. The portal's cache and its Celery broker may
share one Redis database (one REDIS_URL), so a cache clear would also delete every task
waiting in the broker's queues. Here clear() deletes only keys under KEY_PREFIX.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
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
