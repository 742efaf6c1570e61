"""Real processes for the fault and scale-out tests: a private redis-server, a Celery
worker and gunicorn, each a subprocess on the test database, stopped by the test.

The subprocesses are not under pytest, so they read their settings from the
environment: DATABASE_URL names the test database (the SQLite test database is a
file; in CI it is PostgreSQL), PORTAL_VAR_DIR a folder of their own, and REDIS_URL is
passed on when the suite runs on Redis.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from tests.conftest import missing

HOST = "127.0.0.1"
REDIS_PORTS = range(6390, 6400)
WEB_PORTS = range(8150, 8160)


def free_port(ports: range) -> int:
    """The first port of `ports` nothing listens on (the ranges are this suite's own)."""
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


@contextmanager
def scratch_dir(prefix: str):
    """A folder under /tmp for the subprocesses' var/ folders and logs, removed after."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def database_url() -> str:
    """The test database as a DATABASE_URL (pytest-django renamed NAME to the test one)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


def subprocess_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a portal subprocess on the test database."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url(),
        "PORTAL_VAR_DIR": str(var_dir),
        # The same cache keys as this process (bearer cache, rate limits) when shared.
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "") or "portal",
        # Under pytest-xdist each pytest worker has its own queue.
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "LOG_LEVEL": "INFO",
        **extra,
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def _stop(process: subprocess.Popen | None, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RedisServer:
    """A redis-server of the test's own (no persistence), to kill and restart at will."""

    def __init__(self, workdir: Path):
        if not shutil.which("redis-server"):
            missing("redis-server is not installed (apt-get install redis-server)")
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port(REDIS_PORTS)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> RedisServer:
        import redis

        log = open(self.workdir / "redis.log", "a")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                redis.Redis(host=HOST, port=self.port, socket_connect_timeout=0.5).ping()
                return self
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(
            f"redis-server did not start: {(self.workdir / 'redis.log').read_text()}"
        )

    def kill(self) -> None:
        """SIGKILL: whatever the broker held (queued and unacknowledged messages) is lost."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        _stop(self.process)


class CeleryWorker:
    """`celery -A portal worker` as a subprocess (threads pool: one process to kill)."""

    def __init__(self, env: dict[str, str], log_path: Path, queue: str):
        self.env = env
        self.log_path = log_path
        self.queue = queue
        self.process: subprocess.Popen | None = None

    def start(self) -> CeleryWorker:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "a")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "threads",
             "--concurrency", "4", "--queues", self.queue, "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
             "--hostname", f"faults-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with open(self.log_path) as f:
                f.seek(offset)
                if " ready." in f.read():
                    return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"celery worker did not start:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        _stop(self.process, timeout=20)


class WebProcess:
    """gunicorn serving the portal on a port of its own."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log_path = log_path
        self.port = free_port(WEB_PORTS)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> WebProcess:
        log = open(self.log_path, "a")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
             "--worker-class", "gthread", "--workers", "1", "--threads", "4",
             "--bind", f"{HOST}:{self.port}", "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as s:
                    s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                    if s.recv(5) == b"HTTP/":
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        _stop(self.process)


@contextmanager
def broker_pointed_at(url: str):
    """This process's producer (the gateway's enqueue, the sweep) publishes to `url`."""
    from portal.celery import app

    def reset_pools():
        # Drop the cached pools (not close them: kombu shares the healthy one globally);
        # the next publish builds a connection from the current broker_url.
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    reset_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url = saved
