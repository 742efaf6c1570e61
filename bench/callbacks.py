"""Callbacks benchmark (`make bench`): delivery throughput and request-to-callback latency.

Runs on an isolated copy of the embedded defaults (a temporary SQLite database and
filesystem broker under a temp folder), so nothing of a running portal is touched; set
BENCH_BROKER_URL=redis://127.0.0.1:6379/<db> to measure with Redis as the broker (a
private queue, deleted afterwards; nothing is flushed) and BENCH_DATABASE_URL to a
scratch PostgreSQL database (migrated; each run adds a developer of its own and counts
only that developer's rows, so the same scratch database serves many runs). Loopback
only, bounded in time.

The receiver is tests/callbacks/callback_receiver.py: HTTP/1.1, a thread per connection,
connections kept alive (as most listeners keep them).

1. Throughput: N gateway calls in asynchronous mode are made with no worker running
   (their callbacks wait in the outbox and the broker), then two Celery worker processes
   start and drain them into the receiver: callbacks per second between the first and
   the last arrival. Baseline, measured in the same run before the workers start: one
   process POSTing the same N bodies to the same receiver over one kept-alive
   connection, to read the ratio on a noisy shared machine.
2. Latency: M calls paced at a steady rate with the workers running: time from the start
   of the HTTP request to the gateway to the callback's arrival, p50 and p95.

Environment: BENCH_CALLBACKS_N (300), BENCH_CALLBACKS_M (100), BENCH_CALLBACKS_RATE (20/s),
BENCH_CALLBACKS_POOL (the workers' pool, prefork) and BENCH_CALLBACKS_CONCURRENCY (2).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_CALLBACKS_N", "300"))
M = int(os.environ.get("BENCH_CALLBACKS_M", "100"))
RATE = float(os.environ.get("BENCH_CALLBACKS_RATE", "20"))
POOL = os.environ.get("BENCH_CALLBACKS_POOL", "prefork")
CONCURRENCY = int(os.environ.get("BENCH_CALLBACKS_CONCURRENCY", "2"))
DEADLINE_SECONDS = 240


def configure_environment(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        PORTAL_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="portal.settings",
        CALLBACK_ALLOW_PRIVATE_NETWORKS="1",
        LOG_LEVEL="WARNING",
        # The bench process is the web side: it must not refuse the test client's host.
        DEBUG="1",
    )
    if os.environ.get("BENCH_BROKER_URL"):
        env["CELERY_BROKER_URL"] = os.environ["BENCH_BROKER_URL"]
    if os.environ.get("BENCH_DATABASE_URL"):  # a scratch database: it is migrated and filled
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.clear()
    os.environ.update(env)
    return env


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    load_at_start = load_average()
    var_dir = tempfile.mkdtemp(prefix="bench-callbacks-")
    env = configure_environment(var_dir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from _server import bearer
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts import keys
    from callbacks import signing
    from callbacks.models import CallbackDelivery
    from catalog import get_api, get_market
    from portal.celery import app
    from tests.callbacks.callback_receiver import Receiver
    from tests.factories import DeveloperFactory

    queue = f"bench-callbacks-{os.getpid()}"
    app.conf.task_default_queue = queue
    call_command("migrate", verbosity=0)
    # A developer of this run's own: a scratch PostgreSQL database keeps earlier runs' rows.
    run = os.getpid()
    developer = DeveloperFactory(
        username=f"bench{run}", email=f"bench{run}@example.com", phone_number=f"+2557{run:08d}"
    )
    token = bearer(developer.api_key_plaintext, keys.current_keypair().public_key_b64)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    api, market = get_api("c2bPayment"), get_market("vodafoneGHA")
    url = f"/sandbox/ipg/v2/{market.slug}/c2bPayment/singleStage/"

    def call() -> tuple[float, str]:
        started = time.time()
        response = client.post(url, api.sample_request(market), content_type="application/json")
        assert response.status_code == 201, response.content
        return started, response.json()["output_ConversationID"]

    workers = None
    worker_log = open(Path(var_dir) / "workers.log", "w")  # noqa: SIM115 (closed at exit)
    with Receiver() as receiver:
        application = keys.default_application(developer)
        application.async_response_url = receiver.url
        application.save(update_fields=["async_response_url"])

        # 1. Throughput: N calls with no worker, then two worker processes drain them.
        t0 = time.perf_counter()
        for _ in range(N):
            call()
        calls_per_second = N / (time.perf_counter() - t0)

        # Baseline: the same bodies POSTed from one process to the same receiver, over one
        # kept-alive connection (requests.Session), before the workers start.
        import requests

        bodies = [
            json.dumps(payload, separators=(",", ":")).encode()
            for payload in CallbackDelivery.objects.filter(user=developer).values_list(
                "payload", flat=True
            )
        ]
        session = requests.Session()
        t0 = time.perf_counter()
        for body in bodies:
            session.post(
                receiver.url, data=body, headers={"Content-Type": "application/json"}, timeout=5
            )
        baseline = len(bodies) / (time.perf_counter() - t0)
        session.close()
        receiver.received.clear()

        workers = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "portal",
                "worker",
                f"--pool={POOL}",
                f"--concurrency={CONCURRENCY}",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + DEADLINE_SECONDS
            received = receiver.wait_for(N, timeout=DEADLINE_SECONDS)
            first, last = received[0].at, received[N - 1].at
            throughput = (N - 1) / (last - first)
            ids = {r.headers["X-Mpesa-Delivery-Id"] for r in received[:N]}
            secret = signing.get_signing_secret(developer).secret
            sample = received[0]
            assert signing.verify_signature(
                secret,
                delivery_id=sample.headers["X-Mpesa-Delivery-Id"],
                timestamp=sample.headers["X-Mpesa-Timestamp"],
                body=sample.body,
                header=sample.headers["X-Mpesa-Signature"],
            )

            # 2. Latency: paced calls with the workers running.
            started_by_conversation = {}
            for _ in range(M):
                started, conversation_id = call()
                started_by_conversation[conversation_id] = started
                time.sleep(max(0.0, 1 / RATE - (time.time() - started)))
            received = receiver.wait_for(N + M, timeout=max(1, deadline - time.monotonic()))
            latencies = [
                (r.at - started_by_conversation[r.json["input_OriginalConversationID"]]) * 1000
                for r in received[N:]
            ]
            # The last callbacks arrived; give the workers a moment to record them.
            mine = CallbackDelivery.objects.filter(user=developer)
            for _ in range(100):
                delivered = mine.filter(status="delivered").count()
                if delivered == N + M:
                    break
                time.sleep(0.1)
        finally:
            workers.send_signal(signal.SIGTERM)  # warm shutdown of the worker we started
            try:
                workers.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(workers.pid, signal.SIGKILL)
            worker_log.close()
            if app.conf.broker_url.startswith("redis"):  # our private queue's keys only
                import redis

                client = redis.Redis.from_url(app.conf.broker_url)
                client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")

    broker = app.conf.broker_url.split("://")[0]
    database = connection.vendor + ("" if os.environ.get("BENCH_DATABASE_URL") else " (temporary)")
    print(f"load average (1, 5, 15 min): {load_at_start} at the start, {load_average()} at the end")
    print(
        f"broker: {broker}; database: {database}; workers: {POOL} x {CONCURRENCY}; "
        "receiver: 127.0.0.1 loopback, HTTP/1.1 keep-alive"
    )
    print(f"gateway calls in async mode (one client, in-process): {calls_per_second:,.0f}/s")
    print(f"baseline, the same bodies POSTed by one process (keep-alive): {baseline:,.0f}/s")
    print(
        f"callbacks delivered by 2 worker processes: {throughput:,.1f}/s over {N} "
        f"({len(ids)} distinct delivery ids, all signed), {throughput / baseline:.2f}x baseline"
    )
    print(
        f"request-to-callback at {RATE:g} calls/s over {M}: "
        f"p50 {percentile(latencies, 0.5):,.0f} ms, p95 {percentile(latencies, 0.95):,.0f} ms, "
        f"mean {statistics.fmean(latencies):,.0f} ms"
    )
    print(f"outbox rows delivered: {delivered} of {N + M}")
    if delivered != N + M:
        print((Path(var_dir) / "workers.log").read_text()[-3000:])
        return 1
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
