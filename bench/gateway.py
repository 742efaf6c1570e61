"""Gateway throughput: C2B single stage through gunicorn (2 workers x 2 threads), embedded
defaults, against a bare floor served the same way.

    python bench/gateway.py          (run by `make bench`)

Starts two gunicorn servers with the same configuration and a fresh PORTAL_VAR_DIR under
/tmp (SQLite in WAL mode with synchronous=FULL, local-memory cache, DEBUG off): the
portal, and the bare floor (bench/floor/: a separate Django project with only
CommonMiddleware, whose one view parses the JSON body and commits a transaction row and
a call-log row in one transaction). It measures requests/s and p50/p99 latency of:

  (a) C2B with one reused bearer (the cached path: no RSA operation),
  (b) C2B with a fresh bearer per request (one RSA-4096 decryption each),
  (c) the floor,
  (d) the raw RSA-4096 decryption rate of 2 processes (as many as workers),
  (e) C2B with a malformed bearer (wrong length: refused 401 with no RSA),
  (f) C2B to an unknown market (refused 400 by routing, before the bearer is read).

It prints a/c (target >= 0.7), b/d (target >= 0.6) and e/f (target >= 0.5), and the load
average. The machine is shared and noisy, so the two sides of each ratio are measured in
alternating one-second slices (a, c, c, a, ... then b, d, d, b, ... then e, f, f, e):
both see the same background load, and each total is the sum over its slices. The
client sends pre-built requests from one asyncio loop (bounded concurrency, count and
time) so that its own CPU use stays small. A benchmark, not a test: it exits 0 unless
the servers could not be measured at all.
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
from _server import HOST, bearer, wait_until_up  # noqa: E402  (bench/ is on sys.path)

WORKERS = 2
# Threads per worker: while one request waits on the socket or the WAL fsync (the GIL is
# released there), another can run, notably an RSA decryption (which holds the GIL).
THREADS = 2
CONCURRENCY = 8
SLICES = int(os.environ.get("BENCH_SLICES", "8"))  # per scenario
SLICE_SECONDS = 1.0
MAX_REQUESTS = 4000  # per scenario (reused bearer and floor); fresh bearers: 1500
C2B_PATH = "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/"
FLOOR_PATH = "/floor/"
UNKNOWN_MARKET_PATH = "/sandbox/ipg/v2/nowhereXYZ/c2bPayment/singleStage/"

FLOOR_SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", run_syncdb=True, verbosity=0)
"""

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


async def _load(
    port: int, payloads, seconds: float, expect: int = 201
) -> tuple[list[float], int, float]:
    """Send `payloads` (an iterator) for `seconds`; (latencies of `expect` answers, other
    answers, elapsed)."""
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
            if status == expect:
                latencies.append(latency)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, errors, time.perf_counter() - started


class Scenario:
    """Accumulates the slices of one scenario."""

    def __init__(self, label: str, expect: int = 201):
        self.label = label
        self.expect = expect
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
    latencies, errors, elapsed = asyncio.run(_load(port, payloads, seconds, scenario.expect))
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


def start_gunicorn(app: str, port: int, env: dict, log) -> subprocess.Popen:
    """The same gunicorn configuration for the portal and the floor."""
    return subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", app, "--pythonpath", str(ROOT / "bench"),
            "--workers", str(WORKERS), "--threads", str(THREADS),
            "--bind", f"{HOST}:{port}",
            "--backlog", "1024", "--log-level", "warning",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def alternate(first: tuple, second: tuple) -> None:
    """SLICES slices of each of two HTTP scenarios, in alternating order."""
    for i in range(SLICES):
        pair = (first, second) if i % 2 == 0 else (second, first)
        for scenario, port, payloads in pair:
            http_slice(scenario, port, payloads)


def main() -> int:
    var_dir = tempfile.mkdtemp(prefix="portal-bench-gateway-", dir="/tmp")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_VAR_DIR": var_dir,
        # The default per-key limit (6000/min) would cap the measurement itself.
        "SANDBOX_RATE_LIMIT_PER_MINUTE": "100000000",
        "LOG_LEVEL": "WARNING",
        # DEBUG off as in production (and as the floor): DEBUG on records every query.
        # It then wants Redis for shared rate limits; the embedded default's local-memory
        # cache is per worker, which the measurement does not depend on.
        "DEBUG": "0",
        "SINGLE_PROCESS": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOW_CONSOLE_DELIVERY": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL"):  # embedded defaults only
        env.pop(name, None)
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "floor.settings"}
    floor_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "bench"), os.environ.get("PYTHONPATH")) if p
    )
    port, floor_port = free_port(), free_port()
    servers: list[subprocess.Popen] = []
    log = open(Path(var_dir) / "gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
    try:
        for script, script_env in ((SETUP, env), (FLOOR_SETUP, floor_env)):
            setup = subprocess.run(
                [sys.executable, "-c", script],
                cwd=ROOT, env=script_env, capture_output=True, text=True,
            )  # fmt: skip
            if setup.returncode != 0:
                print(setup.stderr)
                return 1
            if script is SETUP:
                creds = json.loads(setup.stdout.strip().splitlines()[-1])
        servers.append(start_gunicorn("portal.wsgi:application", port, env, log))
        servers.append(start_gunicorn("floor.wsgi:application", floor_port, floor_env, log))
        wait_until_up(port, servers[0])
        wait_until_up(floor_port, servers[1])
        reused = bearer(creds["api_key"], creds["public_key"])
        malformed = base64.b64encode(secrets.token_bytes(256)).decode()  # wrong length
        print(
            f"gunicorn {WORKERS} workers x {THREADS} threads each: portal on {HOST}:{port}, "
            f"bare floor (bench/floor) on {HOST}:{floor_port}; PORTAL_VAR_DIR={var_dir}"
        )
        print("preparing requests and bearers ...", flush=True)
        n = MAX_REQUESTS

        def requests(target_port: int, path: str, bearer_b64: str, count: int = n):
            return iter([c2b_request(target_port, path, bearer_b64) for _ in range(count)])

        reused_reqs = requests(port, C2B_PATH, reused)
        floor_reqs = requests(floor_port, FLOOR_PATH, reused)
        malformed_reqs = requests(port, C2B_PATH, malformed, 2 * n)
        unknown_market_reqs = requests(port, UNKNOWN_MARKET_PATH, malformed, 2 * n)
        fresh_reqs = iter(
            [
                c2b_request(port, C2B_PATH, bearer(creds["api_key"], creds["public_key"]))
                for _ in range(1500)
            ]
        )
        pem, ciphertext = rsa_material()
        warm = Scenario("warm-up")
        http_slice(warm, port, requests(port, C2B_PATH, reused, 300), 2)
        http_slice(warm, floor_port, requests(floor_port, FLOOR_PATH, reused, 300), 2)
        a = Scenario("(a) C2B, one reused bearer")
        b = Scenario("(b) C2B, fresh bearer per request")
        c = Scenario("(c) bare floor: parse + same rows, one transaction")
        d = Scenario(f"(d) raw RSA-4096 decryption, {WORKERS} processes")
        e = Scenario("(e) C2B, malformed bearer (401, no RSA)", expect=401)
        f = Scenario("(f) unknown market (400, before the bearer)", expect=400)
        print(f"{load_average()} before", flush=True)
        print(f"measuring a and c in {SLICES} alternating slices each ...", flush=True)
        alternate((a, port, reused_reqs), (c, floor_port, floor_reqs))
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
        print(f"measuring e and f in {SLICES} alternating slices each ...", flush=True)
        alternate((e, port, malformed_reqs), (f, port, unknown_market_reqs))
        print(f"{load_average()} after", flush=True)
        print(f"\n{'scenario':50} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for scenario in (a, b, c, d, e, f):
            print(
                f"{scenario.label:50} {scenario.rate:8.1f} {scenario.percentile(0.5):8.1f} "
                f"{scenario.percentile(0.99):8.1f} {scenario.errors:7d}"
            )
        print(
            f"\na/c = {a.rate / c.rate:.2f} (target >= 0.7)   "
            f"b/d = {b.rate / d.rate:.2f} (target >= 0.6)   "
            f"e/f = {e.rate / f.rate:.2f} (target >= 0.5)"
        )
        errors = a.errors + b.errors + c.errors + e.errors + f.errors
        if errors:
            print(f"unexpected answers during the run: {errors}; gunicorn's log ends with:")
            print((Path(var_dir) / "gunicorn.log").read_text()[-2000:])
        return 0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        log.close()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
