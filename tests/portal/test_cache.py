"""The portal's Redis cache: clear() leaves the Celery broker's keys in a shared database,
count() is a counter with an expiry, and one client object serves every operation."""

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


def test_count_starts_a_counter_that_expires_and_adds_to_it(redis_url):
    prefix = f"test-count-{uuid.uuid4().hex}"
    cache = PrefixedRedisCache(redis_url, {"KEY_PREFIX": prefix})
    raw = redis.Redis.from_url(redis_url)
    try:
        assert cache.count("hits", timeout=120) == 1
        raw_key = cache.make_key("hits")
        raw.expire(raw_key, 50)  # as if 70 seconds had passed
        assert cache.count("hits", timeout=120) == 2
        assert cache.count("hits", timeout=120) == 3

        assert 0 < raw.ttl(raw_key) <= 50  # a new call does not push the expiry back
        assert cache.get("hits") == 3  # Django's reading of it
        cache.incr("hits")
        assert cache.count("hits", timeout=120) == 5
    finally:
        cache.clear()


def test_one_redis_client_serves_every_operation(redis_url):
    cache = PrefixedRedisCache(redis_url, {"KEY_PREFIX": f"test-client-{uuid.uuid4().hex}"})
    client = cache._cache.get_client()
    try:
        cache.set("a", 1)
        assert cache.get("a") == 1
        assert cache._cache.get_client("a", write=True) is client
    finally:
        cache.clear()
