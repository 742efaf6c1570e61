"""Load: 100 concurrent connections for 60 s against gunicorn on PostgreSQL and Redis.

    python bench/load.py          (run by `make bench`)

Creates its own database `portal_bench_load` (BENCH_DB_NAME to change) on
postgres://postgres@127.0.0.1:5432 (BENCH_PG_URL to change) and uses Redis db 9 on
127.0.0.1:6379 (BENCH_REDIS_URL), flushed at the start and the end; the database is
dropped at the end. Without PostgreSQL or Redis it prints why it skipped and exits 0.

gunicorn (gthread workers, DEBUG off) serves 127.0.0.1 only. 100 client connections
(HTTP/1.1 keep-alive, one asyncio loop) share the bearers of several developers (one
reused bearer per developer, so the RSA decryption happens once per bearer) and send a
mix of C2B payments (50 %), Query Transaction Status of their own payments (25 %) and
partial Reversals of them (25 %), bounded by MAX_REQUESTS and SECONDS.

Reports requests/s and p50/p99 per operation and overall, and the error count: every
answer that is not the operation's success status with INS-0, every connection error
or timeout. It then counts the database rows: payments == successful C2B answers,
reversal transactions == successful Reversal answers, call-log rows == answers.

The baseline, measured in the same run with the same 100 connections before and after
the mix, is the bare floor (bench/floor/: a separate Django project with only
CommonMiddleware that parses the body and commits the rows of a C2B call in one
transaction, on the same database), served by a second gunicorn with the same
configuration; the mix's rate is printed as a ratio of it, with the load average.
A benchmark, not a test, but it exits 1 when an answer was an error or the rows do not
match the answers (and when the server could not be measured at all).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
from _server import HOST, bearer, wait_until_up  # noqa: E402  (bench/ is on sys.path)

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB_NAME", "portal_bench_load")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
CONNECTIONS = 100
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
MAX_REQUESTS = 200_000
BASELINE_SECONDS = float(os.environ.get("BENCH_LOAD_BASELINE_SECONDS", "8"))  # before, after
DEVELOPERS = 8
# 2 cores: one process per core (the GIL), with enough threads that requests waiting on
# PostgreSQL or Redis leave the CPU to others; idle keep-alive connections wait in
# gthread's poller, not in a thread. 3x8 and 4x4 measured no better here (noisy).
# BENCH_LOAD_SECONDS / _WORKERS / _THREADS override for experiments.
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "8"))
REQUEST_TIMEOUT = 30.0
PREFIX = "/sandbox/ipg/v2/vodafoneGHA/"
FLOOR_PATH = "/floor/"

SETUP = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts import keys
from accounts.models import User
out = {"public_key": keys.current_keypair().public_key_b64, "api_keys": []}
for i in range(N_DEVELOPERS):
    user = User.objects.create_user(f"load{i}", f"load{i}@example.com", "bench-password-123")
    out["api_keys"].append(keys.issue_api_key(user)[1])
print(json.dumps(out))
""".replace("N_DEVELOPERS", str(DEVELOPERS))

FLOOR_SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", run_syncdb=True, verbosity=0)
"""

FLOOR_COUNT = """
import django
django.setup()
from floor.ledger.models import CallLog, Payment
print(Payment.objects.count(), CallLog.objects.count())
"""

COUNT = """
import json
import django
django.setup()
from django.db import connection
from sandbox.models import ApiCall, Transaction

def sizes():
    # Bytes per call-log row on PostgreSQL (docs/scaling.md): tuple, table, indexes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sandbox_apicall")
        cursor.execute(
            "SELECT count(*), avg(pg_column_size(a.*)),"
            " pg_total_relation_size('sandbox_apicall'), pg_relation_size('sandbox_apicall'),"
            " pg_indexes_size('sandbox_apicall'), pg_total_relation_size('sandbox_transaction')"
            " FROM sandbox_apicall a"
        )
        rows, tuple_bytes, total, heap, indexes, tx_total = cursor.fetchone()
    return {
        "rows": rows, "avg_tuple_bytes": float(tuple_bytes or 0),
        "table_total_bytes": total, "heap_bytes": heap, "index_bytes": indexes,
        "transaction_table_total_bytes": tx_total,
    }

mix = Transaction.objects.all()
calls = ApiCall.objects.all()
print(json.dumps({
    "payments": mix.filter(original__isnull=True).count(),
    "reversals": mix.filter(original__isnull=False).count(),
    "calls": {op: calls.filter(operation=op).count()
              for op in ("c2bPayment", "queryTransactionStatus", "reversal")},
    "calls_total": calls.count(),
    "sizes": sizes(),
}))
"""


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def skip(reason: str) -> int:
    print(f"SKIPPED: {reason}")
    return 0


def services_missing() -> str | None:
    try:
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", connect_timeout=3):
            pass
    except Exception as exc:  # any failure to reach it
        return f"PostgreSQL unreachable at {PG_URL} ({exc.__class__.__name__}: {exc})"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        return f"Redis unreachable at {REDIS_URL} ({exc.__class__.__name__}: {exc})"
    return None


def recreate_database(drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- CPU per answer ---------------------------------------------------------------------
# The machine is shared, so rates move with other people's work; the CPU seconds each side
# spends per answer move much less. Read from /proc (Linux): the gunicorn master and its
# workers, the PostgreSQL backends connected to the benchmark's database, and this
# process (the load generator). Redis's CPU is not counted (its server is shared).


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _with_children(pid: int) -> list[int]:
    pids = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


class CpuMeter:
    """CPU seconds of one gunicorn (master + workers), of PostgreSQL's backends for the
    benchmark database, and of this process, between `start()` and `stop()`."""

    def __init__(self, admin) -> None:
        self.admin = admin  # a psycopg connection to the postgres database (autocommit)

    def _backends(self) -> dict[int, float]:
        pids = self.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME]
        ).fetchall()
        return {pid: _cpu(pid) for (pid,) in pids}

    def start(self, server: subprocess.Popen) -> None:
        self.server = server
        self.web = {pid: _cpu(pid) for pid in _with_children(server.pid)}
        self.database = self._backends()
        self.client = time.process_time()

    def stop(self) -> dict[str, float]:
        web = {pid: _cpu(pid) for pid in _with_children(self.server.pid)}
        database = self._backends()
        return {
            "web": sum(v - self.web.get(pid, 0.0) for pid, v in web.items()),
            "PostgreSQL": sum(v - self.database.get(pid, 0.0) for pid, v in database.items()),
            "load client": time.process_time() - self.client,
        }


# --- The client -----------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.ok: dict[str, int] = defaultdict(int)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.sent = 0
        self.elapsed = 0.0
        self.cpu: dict[str, float] = {}

    def error(self, op: str, what: str) -> None:
        self.errors[op] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{op}: {what}"[:300])

    @property
    def total_ok(self) -> int:
        return sum(self.ok.values())

    @property
    def total_errors(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def build(method: str, path: str, bearer_b64: str, body: dict | None, port: int) -> bytes:
    data = json.dumps(body).encode() if body is not None else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Bearer {bearer_b64}\r\nContent-Type: application/json\r\n"
        f"Origin: *\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closed it."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, payload: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        self.writer.write(payload)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        close = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        body = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


SUCCESS = {"c2b": 201, "status": 200, "reversal": 201, "floor": 201}


def next_request(client: dict, rng: random.Random, port: int, floor: bool) -> tuple[str, bytes]:
    """The next operation of one virtual client, and its request bytes."""
    tpcid = secrets.token_hex(16)
    if floor:
        body = {
            "input_Amount": "100.00",
            "input_CustomerMSISDN": "000000000001",
            "input_Country": "GHA",
            "input_Currency": "GHS",
            "input_ServiceProviderCode": "000000",
            "input_TransactionReference": "F" + secrets.token_hex(6),
            "input_ThirdPartyConversationID": tpcid,
            "input_PurchasedItemsDesc": "Shoes",
        }
        return "floor", build("POST", FLOOR_PATH, client["bearer"], body, port)
    roll = rng.random()
    paid = client["paid"]
    if not paid or roll < 0.5:
        body = {
            "input_Amount": "100.00",
            "input_CustomerMSISDN": "000000000001",
            "input_Country": "GHA",
            "input_Currency": "GHS",
            "input_ServiceProviderCode": "000000",
            "input_TransactionReference": "T" + secrets.token_hex(6),
            "input_ThirdPartyConversationID": tpcid,
            "input_PurchasedItemsDesc": "Shoes",
        }
        return "c2b", build(
            "POST", PREFIX + "c2bPayment/singleStage/", client["bearer"], body, port
        )
    if roll < 0.75:
        query = urlencode(
            {
                "input_QueryReference": rng.choice(paid),
                "input_Country": "GHA",
                "input_ServiceProviderCode": "000000",
                "input_ThirdPartyConversationID": tpcid,
            }
        )
        path = f"{PREFIX}queryTransactionStatus/?{query}"
        return "status", build("GET", path, client["bearer"], None, port)
    body = {
        "input_ReversalAmount": "1.00",  # partial: a payment of 100.00 takes 100 of them
        "input_Country": "GHA",
        "input_ServiceProviderCode": "000000",
        "input_TransactionID": rng.choice(paid),
        "input_ThirdPartyConversationID": tpcid,
    }
    return "reversal", build("PUT", PREFIX + "reversal/", client["bearer"], body, port)


async def run_phase(
    port: int, bearers: list[str], seconds: float, limit: int, floor: bool = False
) -> Stats:
    stats = Stats()
    deadline = time.perf_counter() + seconds

    async def virtual_client(n: int) -> None:
        rng = random.Random(n)
        client = {"bearer": bearers[n % len(bearers)], "paid": []}
        conn = Connection(port)
        try:
            while time.perf_counter() < deadline and stats.sent < limit:
                stats.sent += 1
                op, payload = next_request(client, rng, port, floor)
                started = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(conn.request(payload), REQUEST_TIMEOUT)
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                    stats.error(op, f"connection: {exc.__class__.__name__}: {exc}")
                    conn.close()
                    continue
                latency = time.perf_counter() - started
                try:
                    answer = json.loads(body)
                except ValueError:
                    answer = {}
                if status != SUCCESS[op] or answer.get("output_ResponseCode") != "INS-0":
                    stats.error(op, f"HTTP {status} {body[:200]!r}")
                    continue
                stats.ok[op] += 1
                stats.latencies[op].append(latency)
                if op == "c2b" and len(client["paid"]) < 50:
                    client["paid"].append(answer["output_TransactionID"])
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(virtual_client(n) for n in range(CONNECTIONS)))
    stats.elapsed = time.perf_counter() - started
    return stats


def report(label: str, stats: Stats) -> None:
    everything = [x for values in stats.latencies.values() for x in values]
    rate = stats.total_ok / stats.elapsed if stats.elapsed else 0.0
    print(
        f"{label:34} {stats.total_ok:8d} {rate:8.1f} {percentile(everything, 0.5):8.1f} "
        f"{percentile(everything, 0.99):8.1f} {stats.total_errors:7d}"
    )
    if stats.cpu and stats.total_ok:
        per_answer = ", ".join(
            f"{name} {seconds * 1000 / stats.total_ok:.2f}" for name, seconds in stats.cpu.items()
        )
        print(f"  CPU ms per answer: {per_answer}")
    if len(stats.latencies) > 1:
        for op in ("c2b", "status", "reversal"):
            values = stats.latencies.get(op, [])
            print(
                f"  {op:32} {stats.ok[op]:8d} {stats.ok[op] / stats.elapsed:8.1f} "
                f"{percentile(values, 0.5):8.1f} {percentile(values, 0.99):8.1f} "
                f"{stats.errors[op]:7d}"
            )


# --- Main ---------------------------------------------------------------------------


def main() -> int:
    reason = services_missing()
    if reason:
        return skip(f"bench/load.py needs PostgreSQL and Redis: {reason}")
    var_dir = tempfile.mkdtemp(prefix="portal-bench-load-", dir="/tmp")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_VAR_DIR": var_dir,
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "bench-load",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SECURE_SSL_REDIRECT": "0",
        # The load test sends no mail or SMS; DEBUG=0 refuses console delivery otherwise.
        "ALLOW_CONSOLE_DELIVERY": "1",
        # The default per-key limit (6000/min) would cap the measurement itself.
        "SANDBOX_RATE_LIMIT_PER_MINUTE": "100000000",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    floor_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "floor.settings",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT / "bench"), os.environ.get("PYTHONPATH")) if p
        ),
    }
    port, floor_port = free_port(), free_port()
    servers: list[subprocess.Popen] = []
    log = admin = None
    try:
        recreate_database()
        flush_redis()
        import psycopg

        admin = psycopg.connect(f"{PG_URL}/postgres", autocommit=True)
        for script, script_env in ((SETUP, env), (FLOOR_SETUP, floor_env)):
            setup = subprocess.run(
                [sys.executable, "-c", script],
                cwd=ROOT, env=script_env, capture_output=True, text=True,
            )  # fmt: skip
            if setup.returncode != 0:
                print(setup.stderr[-3000:])
                return 1
            if script is SETUP:
                creds = json.loads(setup.stdout.strip().splitlines()[-1])
        log = open(Path(var_dir) / "gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
        for app, app_port, app_env in (
            ("portal.wsgi:application", port, env),
            ("floor.wsgi:application", floor_port, floor_env),
        ):
            servers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        app,
                        "--pythonpath",
                        str(ROOT / "bench"),
                        "--worker-class",
                        "gthread",
                        "--workers",
                        str(WORKERS),
                        "--threads",
                        str(THREADS),
                        "--bind",
                        f"{HOST}:{app_port}",
                        "--backlog",
                        "2048",
                        "--keep-alive",
                        "75",
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=app_env,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )  # fmt: skip
            )
        wait_until_up(port, servers[0])
        wait_until_up(floor_port, servers[1])
        bearers = [bearer(k, creds["public_key"]) for k in creds["api_keys"]]
        floor_bearer = bearers[:1]  # the floor ignores it
        print(
            f"gunicorn gthread {WORKERS} workers x {THREADS} threads each: portal on "
            f"{HOST}:{port}, bare floor (bench/floor) on {HOST}:{floor_port}; PostgreSQL "
            f"{DB_NAME}, Redis {REDIS_URL}; {CONNECTIONS} connections, "
            f"{DEVELOPERS} developers (one reused bearer each); {load_average()}",
            flush=True,
        )
        warm = asyncio.run(run_phase(port, bearers, 3.0, 3000))  # bearers into the cache
        print(f"warm-up: {warm.total_ok} answers, {warm.total_errors} errors", flush=True)
        meter = CpuMeter(admin)

        def measured(server: subprocess.Popen, phase) -> Stats:
            meter.start(server)
            stats = asyncio.run(phase)
            stats.cpu = meter.stop()
            return stats

        print(f"baseline (floor) {BASELINE_SECONDS:g} s ...", flush=True)
        floor_a = measured(
            servers[1], run_phase(floor_port, floor_bearer, BASELINE_SECONDS, MAX_REQUESTS, True)
        )
        print(f"mix {SECONDS:g} s ...", flush=True)
        mix = measured(servers[0], run_phase(port, bearers, SECONDS, MAX_REQUESTS))
        print(f"baseline (floor) again {BASELINE_SECONDS:g} s ...", flush=True)
        floor_b = measured(
            servers[1], run_phase(floor_port, floor_bearer, BASELINE_SECONDS, MAX_REQUESTS, True)
        )
        counted = subprocess.run(
            [sys.executable, "-c", COUNT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if counted.returncode != 0:
            print(counted.stderr[-3000:])
            return 1
        rows = json.loads(counted.stdout.strip().splitlines()[-1])
        floor_counted = subprocess.run(
            [sys.executable, "-c", FLOOR_COUNT],
            cwd=ROOT, env=floor_env, capture_output=True, text=True,
        )  # fmt: skip
        if floor_counted.returncode != 0:
            print(floor_counted.stderr[-3000:])
            return 1
        floor_payments, floor_calls = map(int, floor_counted.stdout.split()[-2:])

        print(
            f"\n{'phase':34} {'answers':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
        )
        report("warm-up (mix, 3 s)", warm)
        report("baseline: floor (before)", floor_a)
        report("mix: C2B / status / reversal", mix)
        report("baseline: floor (after)", floor_b)
        floor_rate = (floor_a.total_ok + floor_b.total_ok) / (floor_a.elapsed + floor_b.elapsed)
        mix_rate = mix.total_ok / mix.elapsed
        print(
            f"\nmix / floor = {mix_rate:.1f} / {floor_rate:.1f} req/s = "
            f"{mix_rate / floor_rate:.2f} (target >= 0.6; p99 target <= 250 ms); "
            f"{load_average()}"
        )
        floor_answers = floor_a.total_ok + floor_b.total_ok
        if floor_answers and mix.total_ok:
            ratios = []
            for name in mix.cpu:
                floor_ms = (floor_a.cpu[name] + floor_b.cpu[name]) * 1000 / floor_answers
                mix_ms = mix.cpu[name] * 1000 / mix.total_ok
                ratios.append(f"{name} {floor_ms:.2f} / {mix_ms:.2f}")
            total = sum(floor_a.cpu.values()) + sum(floor_b.cpu.values())
            print(
                "CPU ms per answer, floor / mix: " + ", ".join(ratios) + "; all: "
                f"{total * 1000 / floor_answers:.2f} / "
                f"{sum(mix.cpu.values()) * 1000 / mix.total_ok:.2f} = "
                f"{(total / floor_answers) / (sum(mix.cpu.values()) / mix.total_ok):.2f}"
            )

        ok = {op: warm.ok[op] + mix.ok[op] for op in ("c2b", "status", "reversal")}
        answers_sent = sum(s.total_ok + s.total_errors for s in (warm, mix))
        errors = sum(s.total_errors for s in (warm, floor_a, mix, floor_b))
        checks = [
            ("payments in the database == successful C2B answers", rows["payments"], ok["c2b"]),
            (
                "reversal transactions == successful Reversal answers",
                rows["reversals"],
                ok["reversal"],
            ),
            (
                "floor payments == floor call-log rows == floor answers",
                (floor_payments, floor_calls),
                (floor_a.total_ok + floor_b.total_ok,) * 2,
            ),
            (
                "call-log rows == answers (C2B, status, reversal)",
                rows["calls_total"],
                sum(ok.values()),
            ),
        ]
        print(f"\nerrors (non-success answers, connection errors, timeouts): {errors}")
        for sample in warm.error_samples + mix.error_samples + floor_a.error_samples:
            print("   ", sample)
        for label, found, expected in checks:
            verdict = "ok" if found == expected else "MISMATCH"
            print(f"{label}: {found} == {expected}  {verdict}")
        print(
            f"(requests sent in warm-up + mix: {answers_sent}; call log by operation: "
            f"{rows['calls']})"
        )
        size = rows["sizes"]
        if size["rows"]:
            print(
                f"call log on PostgreSQL: {size['rows']} rows, tuple {size['avg_tuple_bytes']:.0f}"
                f" B avg, table+TOAST+indexes {size['table_total_bytes'] / size['rows']:.0f} B"
                f"/row (heap {size['heap_bytes'] / size['rows']:.0f}, indexes "
                f"{size['index_bytes'] / size['rows']:.0f})"
            )
        if errors or any(found != expected for _, found, expected in checks):
            print("gunicorn's log ends with:")
            print((Path(var_dir) / "gunicorn.log").read_text()[-3000:])
            return 1  # an error or a lost row is a finding, not noise: fail `make bench`
        return 0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if log is not None:
            log.close()
        if admin is not None:
            admin.close()
        try:
            recreate_database(drop_only=True)
            flush_redis()
        except Exception as exc:
            print(f"cleanup: {exc}")
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
