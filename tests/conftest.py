"""Shared fixtures: personas, the gateway keypair, a real Celery worker, and Chromium.

REQUIRE_SERVICES=1 (set by .ci/run) turns every "service/browser/JDK missing" skip into
a failure: in CI nothing may silently not run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase
from xdist.scheduler import LoadFileScheduling

from tests import factories, screens

ARTIFACTS = screens.ARTIFACTS
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def missing(reason: str) -> None:
    """Skip locally when an optional tool is absent; fail in CI (REQUIRE_SERVICES=1)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required for this run but missing: {reason}")
    pytest.skip(reason)


# --- Hypothesis (and schemathesis, which runs on it) ----------------------------------

# CI must not depend on luck: there every property test runs the same examples each
# time (derandomize: the seed comes from the test's name), so a red CI run is a real
# regression, reproducible by running it again. Locally each run searches afresh, with
# examples that once failed replayed from var/; a failure prints the blob that
# reproduces it (@reproduce_failure) and the failing example, which then gets pinned
# with @example in its test module. HYPOTHESIS_PROFILE picks a profile explicitly.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile(
    "dev",
    print_blob=True,
    database=DirectoryBasedExampleDatabase(Path(settings.VAR_DIR) / "hypothesis"),
)
_IN_CI = REQUIRE_SERVICES or os.environ.get("CI", "").lower() in ("1", "true")
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _IN_CI else "dev")
)


# --- pytest-xdist: which tests share a worker ---------------------------------------

# `make test` runs the whole suite at once on pytest-xdist workers with `--dist loadfile`
# (each test file is one unit of work, its tests in file order on one worker), with two
# units bigger than a file:
# - tests/fuzz: the fuzz run counts its requests across its modules in one process
#   (test_zz_total.py checks the total of at least 10,000);
# - tests/faults and tests/scaleout: they start their own processes (redis-server,
#   Celery workers, gunicorn) on this suite's port ranges; one after the other, never two
#   at once.
# - tests/e2e/test_page_sweeps.py: the other way, each test (one persona's sweep of every
#   page, 10 to 30 s each) is a unit of its own, so the three personas run side by side.
# The biggest units are handed out first, so that no worker starts a long one last.
_UNITS = {
    "tests/fuzz/": "tests/fuzz",
    "tests/faults/": "processes",
    "tests/scaleout/": "processes",
}
_ONE_UNIT_PER_TEST = ("tests/e2e/test_page_sweeps.py::",)
_LONGEST_FIRST = ["tests/fuzz", "processes", *_ONE_UNIT_PER_TEST]


class _Scheduling(LoadFileScheduling):
    def _split_scope(self, nodeid: str) -> str:
        for prefix, unit in _UNITS.items():
            if nodeid.startswith(prefix):
                return unit
        if nodeid.startswith(_ONE_UNIT_PER_TEST):
            return nodeid
        return super()._split_scope(nodeid)

    def _assign_work_unit(self, node) -> None:
        for prefix in reversed(_LONGEST_FIRST):
            for unit in [u for u in self.workqueue if u == prefix or u.startswith(prefix)]:
                self.workqueue.move_to_end(unit, last=False)
        super()._assign_work_unit(node)


def pytest_xdist_make_scheduler(config, log):
    return _Scheduling(config, log) if config.getoption("dist") == "loadfile" else None


# --- Gateway keypair ----------------------------------------------------------------


@pytest.fixture(scope="session")
def _test_private_key():
    """One RSA-4096 key for the whole run (generation costs about a second), kept on disk
    so later runs skip even that. Production generates a fresh one per environment."""
    from accounts import keys

    path = Path(settings.VAR_DIR) / "test-gateway-key.pem"
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), None)
    key = keys.rsa.generate_private_key(public_exponent=65537, key_size=keys.RSA_KEY_BITS)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key


@pytest.fixture(autouse=True)
def _fast_gateway_keypair(monkeypatch, _test_private_key):
    """Keypairs created during a test reuse the run's key (rotation tests that need a
    different key pass their own generator)."""
    from accounts import keys

    monkeypatch.setattr(keys, "_generate_private_key", lambda: _test_private_key)


# --- Personas -----------------------------------------------------------------------


@pytest.fixture
def developer(db):
    """An activated developer with a confirmed phone and an active sandbox API key.

    The key's plaintext is on `developer.api_key_plaintext`.
    """
    return factories.DeveloperFactory(username="dev")


@pytest.fixture
def other_developer(db):
    return factories.DeveloperFactory(username="otherdev")


@pytest.fixture
def staff_reviewer(db):
    """A staff member allowed into the admin (Go Live review permission is added by
    golive's own fixtures once that app defines it)."""
    return factories.UserFactory(username="reviewer", is_staff=True)


@pytest.fixture
def anonymous_client(client):
    return client


@pytest.fixture
def developer_client(client, developer):
    client.force_login(developer)
    return client


# --- Celery -------------------------------------------------------------------------


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (threads) consuming from the configured broker: the
    filesystem transport on embedded defaults, Redis when REDIS_URL is set."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from portal.celery import app

    # Workers keep their database connection between tasks (portal/celery.py); these
    # threads live in the test process, so their connections are closed here, before
    # the test database is flushed or dropped.
    opened = []

    def remember_connections(**kwargs):
        opened.extend(c for c in connections.all(initialized_only=True) if c not in opened)

    task_postrun.connect(remember_connections, weak=False)
    try:
        with start_worker(
            app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            # The embedded worker stops only between two waits for messages, and its loop
            # (celery.worker.loops.synloop) waits up to 2 s, then once more after the stop
            # flag is seen: 2 to 4 s of every test's teardown, about a minute of the
            # suite. Waits of 0.1 s stop it within a few tenths; the broker is polled as
            # often as before (the filesystem transport every 50 ms, Redis by BRPOP).
            _short_waits(worker.consumer.connection)
            yield worker
    finally:
        task_postrun.disconnect(remember_connections)
        for conn in opened:
            conn.inc_thread_sharing()
            conn.close()
            conn.dec_thread_sharing()


def _short_waits(connection, longest: float = 0.1) -> None:
    """Cap the time one `drain_events` call of this kombu connection waits (see
    celery_worker)."""
    drain = connection.drain_events

    def drain_events(timeout=None, **kwargs):
        return drain(timeout=longest if timeout is None else min(timeout, longest), **kwargs)

    connection.drain_events = drain_events


# --- Browser ------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def _browser():
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to
    # run beside a running loop unless told it is safe (it is: tests are synchronous).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # `expect(...)` waits for its condition (5 s by default); as generous as the page
    # waits below. A bare `assert locator.is_visible()` would not wait at all: right after
    # a click it races the navigation, so the browser tests assert with `expect`.
    expect.set_options(timeout=30_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server, transactional_db):
    context = _browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    # Generous: a shared CI machine running three xdist workers can be slow; a wait only
    # lasts this long when something is wrong.
    context.set_default_timeout(30_000)
    pg = context.new_page()
    yield pg
    context.close()


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="save screenshots of the pages the browser tests visit (tests/screens.py)",
    )


def pytest_configure(config):
    screens.enabled = config.getoption("--screenshots")


@pytest.fixture
def screenshot(request):
    """screenshot(page_or_locator, "name") saves test-artifacts/screenshots/<test>-<name>.png
    when the run was asked for screenshots (tests/screens.py)."""

    def take(target, name: str, *, full_page: bool = True) -> Path | None:
        path = screens.FOLDER / f"{request.node.name}-{name}.png"
        return screens.save(target, path, full_page=full_page)

    return take


# --- Java ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def javac():
    javac_path = shutil.which("javac")
    if not javac_path or not shutil.which("java"):
        missing("a JDK (javac and java) is not installed")
    return javac_path
