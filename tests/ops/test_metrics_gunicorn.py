"""/metrics under gunicorn with 2 workers (Prometheus multiprocess mode): real gateway
calls over HTTP, spread over both workers, are all counted in one scrape."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.faults.processes import HOST, WEB_PORTS, _stop, free_port, scratch_dir, subprocess_env
from tests.sandbox.conftest import Gateway

TOKEN = "metrics-test-token-0123456789"  # noqa: S105 (a test value)


class TwoWorkerGunicorn:
    """gunicorn with gunicorn.conf.py and 2 sync workers: concurrent calls land on both."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env, self.log_path = env, log_path
        self.port = free_port(WEB_PORTS)
        self.url = f"http://{HOST}:{self.port}"

    def __enter__(self) -> TwoWorkerGunicorn:
        log = open(self.log_path, "a")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
             "--config", "gunicorn.conf.py", "--workers", "2",
             "--bind", f"{HOST}:{self.port}", "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(f"{self.url}/healthz", timeout=10).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        _stop(self.process)
        raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        _stop(self.process)


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def gunicorn_2_workers(transactional_db):
    cache.clear()
    with scratch_dir("portal-metrics-") as tmp:
        env = subprocess_env(tmp / "var", METRICS_TOKEN=TOKEN, SANDBOX_RATE_LIMIT_PER_MINUTE="8")
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        with TwoWorkerGunicorn(env, tmp / "gunicorn.log") as server:
            yield server, tmp / "var" / "metrics"
    cache.clear()


def test_counts_of_calls_served_by_two_workers_are_summed(gunicorn_2_workers, developer):
    server, metrics_dir = gunicorn_2_workers
    assert requests.get(f"{server.url}/metrics", timeout=10).status_code == 401
    gateway = Gateway(server.url, developer.api_key_plaintext)

    def call(_):
        # A session per call: sync workers close the connection after each answer.
        return Gateway(server.url, developer.api_key_plaintext).c2b().status_code

    statuses = [gateway.c2b().status_code]  # one warm-up call
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses += pool.map(call, range(29))
    # 30 calls against a limit of 8 a minute: some are refused (the cache, so the limit,
    # is per worker on the embedded defaults; shared on Redis).
    assert statuses.count(201) + statuses.count(429) == 30
    assert statuses.count(429) > 0

    scrape = requests.get(
        f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert scrape.status_code == 200, scrape.text[:500]
    found = samples(scrape.text)
    ok = found[("portal_gateway_calls_total",
                (("api", "c2bPayment"), ("code", "INS-0"), ("market", "vodafoneGHA")))]  # fmt: skip
    refused = found.get(
        ("portal_gateway_calls_total",
         (("api", "c2bPayment"), ("code", "INS-16"), ("market", "vodafoneGHA"))),
        0.0,
    )  # fmt: skip
    assert ok == statuses.count(201)
    assert refused == statuses.count(429)
    assert found[("portal_gateway_rate_limited_total", ())] == refused
    assert found[("portal_gateway_latency_seconds_count", (("api", "c2bPayment"),))] == 30
    # 30 bearers: each a fresh RSA encryption, so each decrypted once, none cached.
    hits = found.get(("portal_bearer_cache_hits_total", ()), 0.0)
    rsa = found[("portal_bearer_rsa_decryptions_total", ())]
    assert hits + rsa == 30
    # Both workers served calls (each process writes its own file): the scrape summed them.
    per_worker = [
        sum(
            sample.value
            for family in MultiProcessCollector.merge([str(path)])
            for sample in family.samples
            if sample.name == "portal_gateway_calls_total"
        )
        for path in metrics_dir.glob("counter_*.db")
    ]
    assert len(per_worker) == 2 and all(per_worker), per_worker
    assert sum(per_worker) == 30
    # The gauges computed at scrape time.
    assert ("portal_callback_outbox_backlog", ()) in found
    assert ("portal_golive_requests", (("state", "submitted"),)) in found
