"""The Redis cache's clear() leaves the Celery broker's keys in a shared database."""

import os
import uuid

import pytest
import redis

from portal.cache import PrefixedRedisCache
from tests.conftest import missing


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        missing(f"no Redis at {url}")
    return url


def test_clear_deletes_only_this_caches_keys(redis_url):
    prefix = f"test-clear-{uuid.uuid4().hex}"
    cache = PrefixedRedisCache(redis_url, {"KEY_PREFIX": prefix})
    raw = redis.Redis.from_url(redis_url)
    queue = f"celery-queue-{uuid.uuid4().hex}"
    try:
        cache.set_many({f"k{i}": i for i in range(2500)})
        raw.lpush(queue, b"a task message")

        cache.clear()

        assert cache.get("k1") is None
        assert raw.keys(f"{prefix}:*") == []
        assert raw.lrange(queue, 0, -1) == [b"a task message"]
    finally:
        raw.delete(queue)
        for key in raw.scan_iter(match=f"{prefix}:*"):
            raw.delete(key)
