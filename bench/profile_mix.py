"""Per-call budget of bench/load.py's mix on PostgreSQL + Redis, in process.

    python bench/profile_mix.py          (run by `make bench`; BENCH_PROFILE_CALLS=600)

What load.py serves through gunicorn, called here through the portal's WSGI application
(every middleware included, no HTTP): C2B single stage, Query Transaction Status of the
caller's own payments and partial Reversals of them, one reused bearer. For each
operation it prints, per call: the wall time and the CPU time of this process without a
profiler, the SQL statements sent (transaction control included: BEGIN, COMMIT,
savepoints, the connection health check) and the Redis round trips with their commands.
The same for the bare floor (bench/floor, its own Django project, run in a subprocess).
Statement and round-trip counts do not depend on the machine's load; times do (the load
average is printed). BENCH_PROFILE_TOP=N also prints cProfile's top N cumulative
entries per operation.

Uses its own database (BENCH_DB_NAME, default `portal_bench_profile_mix`, created and
dropped) on BENCH_PG_URL and Redis BENCH_REDIS_URL (db 9 by default, flushed). Skips
(exit 0) without PostgreSQL or Redis.
"""

from __future__ import annotations

import base64
import cProfile
import io
import json
import os
import pstats
import secrets
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB_NAME", "portal_bench_profile_mix")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
CALLS = int(os.environ.get("BENCH_PROFILE_CALLS", "600"))
TOP = int(os.environ.get("BENCH_PROFILE_TOP", "0"))
SORT = os.environ.get("BENCH_PROFILE_SORT", "cumulative")
CALLEES = os.environ.get("BENCH_PROFILE_CALLEES", "")  # also print what these functions call
PREFIX = "/sandbox/ipg/v2/vodafoneGHA/"
# load.py's mix: C2B 50 %, status 25 %, reversal 25 %.
WEIGHTS = {"c2b": 0.5, "status": 0.25, "reversal": 0.25}


def _env(settings_module: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PORTAL_VAR_DIR": f"/tmp/portal-bench-profile-mix-{os.getpid()}",
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "bench-profile-mix",
        "DEBUG": "0",
        "SECRET_KEY": "bench-profile-mix-" + "x" * 50,
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(b"b" * 32).decode(),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOW_CONSOLE_DELIVERY": "1",
        "SANDBOX_RATE_LIMIT_PER_MINUTE": "100000000",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1",
        # One connection (one PostgreSQL backend, whose CPU is read) for the whole run.
        "CONN_MAX_AGE": "3600",
    }
    env.pop("CELERY_BROKER_URL", None)
    return env


# --- Counting what goes to PostgreSQL and Redis ---------------------------------------


class Wire:
    """Counts statements sent to PostgreSQL (psycopg level: Django's own, the health
    check's SELECT 1, BEGIN and COMMIT) and round trips to Redis, with their commands."""

    def __init__(self) -> None:
        self.sql: Counter[str] = Counter()
        self.redis: Counter[str] = Counter()
        self.redis_trips = 0
        self.on = False

    def install(self) -> None:
        import psycopg
        import redis.connection

        wire = self
        original_execute = psycopg.Cursor.execute  # ClientCursor's too (inherited)

        def execute(self, query, params=None, *a, **kw):
            if wire.on:
                wire.sql[_statement(query)] += 1
            return original_execute(self, query, params, *a, **kw)

        psycopg.Cursor.execute = execute
        # BEGIN is sent by psycopg itself before the first statement of a transaction.
        original_begin = psycopg.Connection._start_query  # type: ignore[attr-defined]

        def start_query(self, *a, **kw):
            if wire.on and not self.autocommit and self.pgconn.transaction_status == 0:
                wire.sql["BEGIN"] += 1
            return original_begin(self, *a, **kw)

        psycopg.Connection._start_query = start_query  # type: ignore[attr-defined]
        for name, label in (("commit", "COMMIT"), ("rollback", "ROLLBACK")):
            original = getattr(psycopg.Connection, name)

            def end(self, _original=original, _label=label):
                if wire.on:
                    wire.sql[_label] += 1
                return _original(self)

            setattr(psycopg.Connection, name, end)
        send = redis.connection.AbstractConnection.send_packed_command

        def send_packed_command(self, command, check_health=True):
            if wire.on:
                wire.redis_trips += 1
            return send(self, command, check_health)

        redis.connection.AbstractConnection.send_packed_command = send_packed_command
        pack = redis.connection.AbstractConnection.pack_command

        def pack_command(self, *args):
            if wire.on:
                wire.redis[str(args[0]).split()[0]] += 1
            return pack(self, *args)

        redis.connection.AbstractConnection.pack_command = pack_command


def _statement(query) -> str:
    """A short name for a statement: its first words, savepoint names dropped."""
    text = query if isinstance(query, str) else str(getattr(query, "_obj", query))
    words = text.split()
    if words[:1] in (["SAVEPOINT"], ["RELEASE"], ["ROLLBACK"]):
        return " ".join(w for w in words if not w.startswith('"'))
    if words[:1] == ["SELECT"] and len(words) > 1 and words[1] != "1":
        table = next((words[i + 1] for i, w in enumerate(words[:-1]) if w == "FROM"), "?")
        table = table.strip('"')
        return f"SELECT FROM {table}" + (" FOR UPDATE" if "UPDATE" in words else "")
    return " ".join(words[:3])[:48]


# --- Calling a WSGI application as gunicorn does ---------------------------------------


def _call(app, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    target, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": target,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_ORIGIN": "*",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    status: list[str] = []
    result = app(environ, lambda s, h, exc_info=None: status.append(s))
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return int(status[0][:3]), content


def _c2b_body(prefix: str = "T") -> bytes:
    return json.dumps(
        {
            "input_Amount": "100.00",
            "input_CustomerMSISDN": "000000000001",
            "input_Country": "GHA",
            "input_Currency": "GHS",
            "input_ServiceProviderCode": "000000",
            "input_TransactionReference": prefix + secrets.token_hex(6),
            "input_ThirdPartyConversationID": secrets.token_hex(16),
            "input_PurchasedItemsDesc": "Shoes",
        }
    ).encode()


def _requests(op: str, paid: list[str], n: int) -> list[tuple[str, str, bytes]]:
    out = []
    for i in range(n):
        if op == "c2b":
            out.append(("POST", PREFIX + "c2bPayment/singleStage/", _c2b_body()))
        elif op == "status":
            query = urlencode(
                {
                    "input_QueryReference": paid[i % len(paid)],
                    "input_Country": "GHA",
                    "input_ServiceProviderCode": "000000",
                    "input_ThirdPartyConversationID": secrets.token_hex(16),
                }
            )
            out.append(("GET", f"{PREFIX}queryTransactionStatus/?{query}", b""))
        elif op == "reversal":
            body = {
                "input_ReversalAmount": "1.00",
                "input_Country": "GHA",
                "input_ServiceProviderCode": "000000",
                "input_TransactionID": paid[i % len(paid)],
                "input_ThirdPartyConversationID": secrets.token_hex(16),
            }
            out.append(("PUT", PREFIX + "reversal/", json.dumps(body).encode()))
        else:  # floor
            out.append(("POST", "/floor/", _c2b_body("F")))
    return out


SUCCESS = {"c2b": 201, "status": 200, "reversal": 201, "floor": 201}

# (label, file suffix, function): CPU per call inside that function (cumulative, under
# cProfile: compare shares, not microseconds). Nested as the code is.
GROUPS = [
    ("WSGI handler (everything below)", "django/core/handlers/wsgi.py", "__call__"),
    ("  gateway view", "sandbox/views.py", "gateway"),
    ("    bearer + state check (authenticate)", "sandbox/auth.py", "authenticate"),
    ("      state check query (_load_active)", "sandbox/auth.py", "_load_active"),
    ("    rate limit (within_rate_limit)", "sandbox/services.py", "within_rate_limit"),
    ("    parse + validate (_prepare)", "sandbox/views.py", "_prepare"),
    ("    complete_call", "sandbox/services.py", "complete_call"),
    ("      simulation (plan / simulate)", "sandbox/simulation/__init__.py", "_run"),
    ("      call-log row built (call_log_row)", "sandbox/services.py", "call_log_row"),
    ("      rows written (log_call)", "sandbox/services.py", "log_call"),
    (
        "      reversal written (write_planned_reversal)",
        "sandbox/simulation/transactions.py",
        "write_planned_reversal",
    ),
    ("    JSON answer (json_response)", "sandbox/envelope.py", "json_response"),
    ("  floor view", "floor/ledger/views.py", "floor"),
    ("cross-section: SQL sent (psycopg execute)", "psycopg/cursor.py", "execute"),
    ("cross-section: Redis commands", "redis/client.py", "_execute_command"),
    ("cross-section: model instances", "django/db/models/base.py", "__init__"),
    ("cross-section: COMMIT", "django/db/backends/base/base.py", "commit"),
]


def _backend_cpu() -> float:
    """CPU seconds (user + system) used so far by the PostgreSQL backend serving this
    thread's connection (on this machine: /proc), 0.0 where it cannot be read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(app, op: str, paid: list[str], headers: dict, wire: Wire) -> dict:
    """Per-call wall and CPU microseconds, statements and Redis round trips of `op`."""

    def run(batch):
        for method, path, body in batch:
            status, content = _call(app, method, path, body, headers)
            if status != SUCCESS[op]:
                raise SystemExit(f"{op}: HTTP {status} {content[:300]!r}")
            if op == "c2b" and len(paid) < 400:
                paid.append(json.loads(content)["output_TransactionID"])

    run(_requests(op, paid, 50))  # warm-up
    batch = _requests(op, paid, CALLS)
    backend = _backend_cpu()
    wall, cpu = time.perf_counter(), time.process_time()
    run(batch)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    backend = _backend_cpu() - backend
    wire.sql.clear(), wire.redis.clear()
    wire.redis_trips = 0
    wire.on = True
    counted = 100
    run(_requests(op, paid, counted))
    wire.on = False
    result = {
        "wall_us": wall * 1e6 / CALLS,
        "cpu_us": cpu * 1e6 / CALLS,
        "pg_cpu_us": backend * 1e6 / CALLS,
        "sql": {k: v / counted for k, v in wire.sql.most_common()},
        "redis_trips": wire.redis_trips / counted,
        "redis": {k: v / counted for k, v in wire.redis.most_common()},
    }
    # Python function calls per call: like the statement counts, independent of the
    # machine's load (cProfile counts them; its CPU timer ignores waits on the network).
    profiler = cProfile.Profile(time.thread_time)
    batch = _requests(op, paid, CALLS)
    profiler.enable()
    run(batch)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    result["python_calls"] = stats.total_calls / CALLS  # type: ignore[attr-defined]
    groups: dict[str, float] = {}
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for label, suffix, function in GROUPS:
            if filename.endswith(suffix) and name == function:
                groups[label] = groups.get(label, 0.0) + cumulative * 1e6 / CALLS
    result["groups"] = groups
    if TOP:
        stats.sort_stats(SORT).print_stats(TOP)
        if CALLEES:
            stats.print_callees(CALLEES)
        result["profile"] = out.getvalue()
    return result


# --- The two sides ----------------------------------------------------------------------


def portal_side() -> dict:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from _server import bearer

    from accounts import keys
    from accounts.models import User

    user = User.objects.create_user("mix", "mix@example.com", "bench-password-123")
    _, plaintext = keys.issue_api_key(user)
    token = bearer(plaintext, keys.current_keypair().public_key_b64)
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    app = get_wsgi_application()
    connections.close_all()
    wire = Wire()
    wire.install()
    headers = {"Authorization": f"Bearer {token}"}
    paid: list[str] = []
    return {op: measure(app, op, paid, headers, wire) for op in ("c2b", "status", "reversal")}


def floor_side() -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    wire = Wire()
    wire.install()
    return {"floor": measure(app, "floor", [], {}, wire)}


def _recreate(drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def _print(op: str, r: dict) -> None:
    sql = sum(r["sql"].values())
    print(
        f"{op:9} wall {r['wall_us']:6.0f} us  cpu {r['cpu_us']:5.0f} us  PostgreSQL cpu "
        f"{r['pg_cpu_us']:5.0f} us  "
        f"SQL {sql:4.1f}  Redis trips {r['redis_trips']:3.1f}  "
        f"Python calls {r['python_calls']:6.0f}"
    )
    print("          SQL:   " + ", ".join(f"{k} x{v:g}" for k, v in r["sql"].items()))
    if r["redis"]:
        print("          Redis: " + ", ".join(f"{k} x{v:g}" for k, v in r["redis"].items()))
    handler = r["groups"].get(GROUPS[0][0], 0.0)
    for label, _, _ in GROUPS:
        if value := r["groups"].get(label, 0.0):
            print(f"          {label:46} {value:7.0f} us {value / handler:5.0%}")
    if "profile" in r:
        print(r["profile"])


def main() -> int:
    if len(sys.argv) > 1:  # a side, in its own process (one Django settings each)
        result = portal_side() if sys.argv[1] == "portal" else floor_side()
        print("RESULT " + json.dumps(result))
        return 0
    try:
        import redis

        _recreate()
        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception as exc:
        print(f"SKIPPED: bench/profile_mix.py needs PostgreSQL and Redis ({exc})")
        return 0
    load = os.getloadavg()
    results = {}
    try:
        for side, settings_module, extra_path in (
            ("floor", "floor.settings", str(ROOT / "bench")),
            ("portal", "portal.settings", str(ROOT)),
        ):
            env = {**os.environ, **_env(settings_module), "PYTHONPATH": extra_path}
            done = subprocess.run(
                [sys.executable, __file__, side], cwd=ROOT, env=env, capture_output=True, text=True
            )
            line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
            if done.returncode != 0 or not line:
                print(done.stdout[-3000:], done.stderr[-3000:])
                return 1
            results.update(json.loads(line[-1][7:]))
    finally:
        _recreate(drop_only=True)
        redis.Redis.from_url(REDIS_URL).flushdb()
    after = os.getloadavg()
    print(
        f"{CALLS} calls per operation through the WSGI application, one thread, DEBUG off, "
        f"PostgreSQL + Redis; load average {load[0]:.2f} -> {after[0]:.2f} on "
        f"{os.cpu_count()} cores\n"
    )
    for op in ("floor", "c2b", "status", "reversal"):
        _print(op, results[op])
    keys = ("wall_us", "cpu_us", "pg_cpu_us", "python_calls")
    mix = {k: sum(WEIGHTS[op] * results[op][k] for op in WEIGHTS) for k in keys}
    floor = results["floor"]
    print(
        f"\nmix (C2B 50 %, status 25 %, reversal 25 %) per call: wall {mix['wall_us']:.0f} "
        f"us, cpu {mix['cpu_us']:.0f} us (+ PostgreSQL {mix['pg_cpu_us']:.0f} us), "
        f"{mix['python_calls']:.0f} Python calls\nfloor / mix: wall "
        f"{floor['wall_us'] / mix['wall_us']:.2f}, cpu {floor['cpu_us'] / mix['cpu_us']:.2f}, "
        f"cpu with PostgreSQL's "
        f"{(floor['cpu_us'] + floor['pg_cpu_us']) / (mix['cpu_us'] + mix['pg_cpu_us']):.2f}, "
        f"Python calls {floor['python_calls'] / mix['python_calls']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
