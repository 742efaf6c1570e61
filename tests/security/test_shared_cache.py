"""Finding 3: with DEBUG=0 and no REDIS_URL the cache is per process, so sign-in, reset
and gateway rate limits would count per gunicorn worker. The portal refuses to start
unless SINGLE_PROCESS=1 says that one process is all there is."""

from tests.security.production import run_manage


def test_no_redis_refuses_to_start():
    result = run_manage({"REDIS_URL": None, "SINGLE_PROCESS": None}, "check")

    assert result.returncode != 0
    assert "REDIS_URL is not set" in result.stderr
    assert "SINGLE_PROCESS=1" in result.stderr


def test_single_process_starts_without_redis():
    result = run_manage({"REDIS_URL": None, "SINGLE_PROCESS": "1"}, "check")

    assert result.returncode == 0, result.stderr[-2000:]


def test_redis_url_starts():
    # Settings only; `check` does not connect to Redis.
    result = run_manage({"REDIS_URL": "redis://127.0.0.1:6379/15", "SINGLE_PROCESS": None}, "check")

    assert result.returncode == 0, result.stderr[-2000:]
