"""Fixtures of the fault tests: a broker of the test's own, and Celery workers as real
processes on the test database consuming from it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portal.celery import app
from tests.faults.processes import (
    CeleryWorker,
    RedisServer,
    broker_pointed_at,
    scratch_dir,
    subprocess_env,
)


@pytest.fixture
def workdir():
    with scratch_dir("portal-faults-") as path:
        yield path


@pytest.fixture
def broker(workdir):
    """A private redis-server as the Celery broker of this process (the gateway's enqueue
    and the sweep publish to it); the machine's shared Redis is never touched."""
    server = RedisServer(workdir / "redis").start()
    try:
        with broker_pointed_at(server.url):
            yield server
    finally:
        server.stop()


@pytest.fixture
def start_worker(transactional_db, broker, workdir):
    """start_worker(**env) -> a running `celery worker` subprocess on the test database and
    the private broker; every worker started is stopped at the end of the test."""
    workers: list[CeleryWorker] = []

    def start(**extra_env: str) -> CeleryWorker:
        env = subprocess_env(
            workdir / "worker-var",
            CELERY_BROKER_URL=broker.url,
            # The receiver listens on 127.0.0.1.
            CALLBACK_ALLOW_PRIVATE_NETWORKS="1",
            **extra_env,
        )
        queue = app.conf.task_default_queue or "celery"
        worker = CeleryWorker(env, workdir / "worker.log", queue).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    if workers:  # shown by pytest when the test failed
        print("celery worker log (end):\n", workers[-1].log()[-4000:])


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()
