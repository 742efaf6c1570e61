"""Gateway throughput: C2B single stage through gunicorn (2 workers x 2 threads), embedded
defaults.

    python bench/gateway.py          (run by `make bench`)

Starts gunicorn on 127.0.0.1 with a fresh PORTAL_VAR_DIR under /tmp (SQLite in WAL
mode, local-memory cache), then measures requests/s and p50/p99 latency of:

  (a) C2B with one reused bearer (the cached path: no RSA operation),
  (b) C2B with a fresh bearer per request (one RSA-4096 decryption each),
  (c) the floor: a bare endpoint of the same server that parses the JSON body and
      writes the same rows (transaction + call log) in one database transaction,
  (d) the raw RSA-4096 decryption rate of 2 processes (as many as workers).

It prints a/c (target >= 0.7) and b/d (target >= 0.6). The machine is shared and noisy,
so the two sides of each ratio are measured in alternating one-second slices (a, c, c,
a, ... then b, d, d, b, ...): both see the same background load, and each total is the
sum over its slices. The client sends pre-built requests from one asyncio loop (bounded
concurrency, count and time) so that its own CPU use stays small. A benchmark, not a
test: it exits 0 unless the server could not be measured at all.
"""

from __future__ import annotations

import asyncio
import base64
import json
import multiprocessing
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from _server import HOST, wait_until_up  # noqa: E402  (bench/ is on sys.path)

WORKERS = 2
# Threads per worker: while one request waits on the socket or the WAL fsync (the GIL is
# released there), another can run, notably an RSA decryption (which holds the GIL).
THREADS = 2
CONCURRENCY = 8
SLICES = 8  # per scenario
SLICE_SECONDS = 1.0
MAX_REQUESTS = 4000  # per scenario (reused bearer and floor); fresh bearers: 1500
C2B_PATH = "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/"
FLOOR_PATH = "/sandbox/bench/floor/"

SETUP = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts import keys
from accounts.models import User
user = User.objects.create_user("bench", "bench@example.com", "bench-password-123")
key, plaintext = keys.issue_api_key(user)
print(json.dumps({"api_key": plaintext, "public_key": keys.current_keypair().public_key_b64}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def bearer(secret: str, public_key_b64: str) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    public_key = serialization.load_der_public_key(base64.b64decode(public_key_b64))
    return base64.b64encode(public_key.encrypt(secret.encode(), padding.PKCS1v15())).decode()


def c2b_request(port: int, path: str, bearer_b64: str) -> bytes:
    body = json.dumps(
        {
            "input_Amount": "10.00",
            "input_CustomerMSISDN": "000000000001",
            "input_Country": "GHA",
            "input_Currency": "GHS",
            "input_ServiceProviderCode": "000000",
            "input_TransactionReference": "T" + secrets.token_hex(6),
            "input_ThirdPartyConversationID": secrets.token_hex(16),
            "input_PurchasedItemsDesc": "Shoes",
        }
    ).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Bearer {bearer_b64}\r\nContent-Type: application/json\r\n"
        f"Origin: *\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def _one(port: int, payload: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(payload)
    data = await reader.read()  # gunicorn's sync workers close after each response
    writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return time.perf_counter() - started, status


async def _load(port: int, payloads, seconds: float) -> tuple[list[float], int, float]:
    """Send `payloads` (an iterator) for `seconds`; (latencies of 201s, errors, elapsed)."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal errors
        while time.perf_counter() < deadline:
            payload = next(payloads, None)
            if payload is None:
                return
            latency, status = await _one(port, payload)
            if status == 201:
                latencies.append(latency)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, errors, time.perf_counter() - started


class Scenario:
    """Accumulates the slices of one scenario."""

    def __init__(self, label: str):
        self.label = label
        self.latencies: list[float] = []
        self.count = 0
        self.errors = 0
        self.elapsed = 0.0

    def add(self, count: int, elapsed: float, latencies=(), errors: int = 0) -> None:
        self.count += count
        self.elapsed += elapsed
        self.latencies.extend(latencies)
        self.errors += errors

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def http_slice(scenario: Scenario, port: int, payloads, seconds: float = SLICE_SECONDS) -> None:
    latencies, errors, elapsed = asyncio.run(_load(port, payloads, seconds))
    scenario.add(len(latencies), elapsed, latencies, errors)


def _decrypt_loop(args) -> int:
    pem, ciphertext, seconds = args
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_private_key(pem, None)
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        key.decrypt(ciphertext, padding.PKCS1v15())
        count += 1
    return count


def rsa_slice(scenario: Scenario, pool, pem: bytes, ciphertext: bytes) -> None:
    """Decryptions of WORKERS processes decrypting in parallel for one slice."""
    started = time.perf_counter()
    counts = pool.map(_decrypt_loop, [(pem, ciphertext, SLICE_SECONDS)] * WORKERS)
    scenario.add(sum(counts), time.perf_counter() - started)


def rsa_material() -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=4096)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem, key.public_key().encrypt(secrets.token_hex(16).encode(), padding.PKCS1v15())


def main() -> int:
    var_dir = tempfile.mkdtemp(prefix="portal-bench-gateway-", dir="/tmp")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_VAR_DIR": var_dir,
        "SANDBOX_BENCH_FLOOR": "1",
        # The default per-key limit (6000/min) would cap the measurement itself.
        "SANDBOX_RATE_LIMIT_PER_MINUTE": "100000000",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("DATABASE_URL", "REDIS_URL"):  # embedded defaults only
        env.pop(name, None)
    port = free_port()
    server = None
    try:
        setup = subprocess.run(
            [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if setup.returncode != 0:
            print(setup.stderr)
            return 1
        creds = json.loads(setup.stdout.strip().splitlines()[-1])
        log = open(Path(var_dir) / "gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "portal.wsgi:application",
                "--config", "gunicorn.conf.py",  # metrics in multiprocess mode, as deployed
                "--workers", str(WORKERS), "--threads", str(THREADS),
                "--bind", f"{HOST}:{port}",
                "--backlog", "1024", "--log-level", "warning",
            ],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        wait_until_up(port, server)
        reused = bearer(creds["api_key"], creds["public_key"])
        print(
            f"gunicorn {WORKERS} workers x {THREADS} threads on {HOST}:{port}, "
            f"PORTAL_VAR_DIR={var_dir}"
        )
        print("preparing requests and bearers ...", flush=True)
        reused_reqs = iter([c2b_request(port, C2B_PATH, reused) for _ in range(MAX_REQUESTS)])
        floor_reqs = iter([c2b_request(port, FLOOR_PATH, reused) for _ in range(MAX_REQUESTS)])
        fresh_reqs = iter(
            [
                c2b_request(port, C2B_PATH, bearer(creds["api_key"], creds["public_key"]))
                for _ in range(1500)
            ]
        )
        pem, ciphertext = rsa_material()
        warm = Scenario("warm-up")
        http_slice(warm, port, iter([c2b_request(port, C2B_PATH, reused) for _ in range(300)]), 2)
        http_slice(warm, port, iter([c2b_request(port, FLOOR_PATH, reused) for _ in range(300)]), 2)
        a = Scenario("(a) C2B, one reused bearer")
        b = Scenario("(b) C2B, fresh bearer per request")
        c = Scenario("(c) floor: parse + same rows, one transaction")
        d = Scenario(f"(d) raw RSA-4096 decryption, {WORKERS} processes")
        print(f"measuring a and c in {SLICES} alternating slices each ...", flush=True)
        for i in range(SLICES):
            first, second = ((a, reused_reqs), (c, floor_reqs))[:: 1 if i % 2 == 0 else -1]
            http_slice(first[0], port, first[1])
            http_slice(second[0], port, second[1])
        print(f"measuring b and d in {SLICES} alternating slices each ...", flush=True)
        with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
            pool.map(_decrypt_loop, [(pem, ciphertext, 0.2)] * WORKERS)  # start + warm up
            for i in range(SLICES):
                if i % 2 == 0:
                    http_slice(b, port, fresh_reqs)
                    rsa_slice(d, pool, pem, ciphertext)
                else:
                    rsa_slice(d, pool, pem, ciphertext)
                    http_slice(b, port, fresh_reqs)
        print(f"\n{'scenario':50} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for scenario in (a, b, c, d):
            print(
                f"{scenario.label:50} {scenario.rate:8.1f} {scenario.percentile(0.5):8.1f} "
                f"{scenario.percentile(0.99):8.1f} {scenario.errors:7d}"
            )
        print(
            f"\na/c = {a.rate / c.rate:.2f} (target >= 0.7)   "
            f"b/d = {b.rate / d.rate:.2f} (target >= 0.6)"
        )
        errors = a.errors + b.errors + c.errors
        if errors:
            print(f"non-201 answers during the run: {errors}; gunicorn's log ends with:")
            print((Path(var_dir) / "gunicorn.log").read_text()[-2000:])
        return 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
