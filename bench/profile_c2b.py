"""Per-call time budget of C2B single stage, in process (docs/performance.md).

    python bench/profile_c2b.py          (run by `make bench`; BENCH_PROFILE_CALLS=2000)

A fresh PORTAL_VAR_DIR under /tmp (SQLite in WAL mode with synchronous=FULL, local-memory
cache, DEBUG off as in production), one developer, one reused bearer (cached after the
first call: no RSA). It times CALLS calls through Django's test client without the
profiler, then profiles as many with cProfile and prints where a call's time goes,
grouped (per call, cumulative, inside the request handler: the test client's own work
is outside it). The groups nest where the code does (the ORM rows are inside the
simulation and the call log), so the ORM and JSON lines are a cross-section, not a
remainder. The profiler slows every Python call alike; compare shares, not absolute
figures, with the un-profiled time.
"""

from __future__ import annotations

import base64
import cProfile
import json
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALLS = int(os.environ.get("BENCH_PROFILE_CALLS", "2000"))
C2B = "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/"

# (label, file suffix, function name): the cumulative time of that function per call.
ENTRIES = [
    ("request handler (everything below)", "django/core/handlers/base.py", "get_response"),
    ("  gateway view", "sandbox/views.py", "gateway"),
    ("    bearer: cache + credential state check", "sandbox/auth.py", "authenticate"),
    ("    client address (failure budget)", "sandbox/auth.py", "client_address"),
    ("    per-key rate limit (cache)", "sandbox/services.py", "within_rate_limit"),
    ("    parse + validate (_prepare)", "sandbox/views.py", "_prepare"),
    ("      JSON body parse (read_params)", "sandbox/validation.py", "read_params"),
    ("    complete_call", "sandbox/services.py", "complete_call"),
    ("      simulation, row built (plan)", "sandbox/simulation/__init__.py", "plan"),
    ("      call-log row built (call_log_row)", "sandbox/services.py", "call_log_row"),
    ("      lock + BEGIN + COMMIT (write_transaction)", "sandbox/rows.py", "write_transaction"),
    ("        of which COMMIT (WAL write + fsync)", "django/db/backends/base/base.py", "commit"),
    ("      the 2 INSERTs (rows.insert, precompiled)", "sandbox/rows.py", "insert"),
    ("    JSON answer (json_response)", "sandbox/envelope.py", "json_response"),
    ("cross-section: ORM compile + execute", "django/db/models/sql/compiler.py", "execute_sql"),
    ("cross-section: ORM SQL compilation", "django/db/models/sql/compiler.py", "as_sql"),
    ("cross-section: model instance creation", "django/db/models/base.py", "__init__"),
]


def _setup() -> str:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_VAR_DIR": tempfile.mkdtemp(prefix="portal-bench-profile-", dir="/tmp"),
            "DEBUG": "0",
            "SINGLE_PROCESS": "1",  # true here: one process
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "SECURE_SSL_REDIRECT": "0",
            "ALLOW_CONSOLE_DELIVERY": "1",
            "SANDBOX_RATE_LIMIT_PER_MINUTE": "100000000",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from _server import bearer

    from accounts import keys
    from accounts.models import User

    user = User.objects.create_user("profile", "profile@example.com", "bench-password-123")
    _, plaintext = keys.issue_api_key(user)
    return bearer(plaintext, keys.current_keypair().public_key_b64)


def _table_bytes() -> dict[str, int]:
    """{table: bytes of its pages and its indexes' pages} (SQLite's dbstat), after a
    checkpoint; {} when this SQLite has no dbstat."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            cursor.execute(
                "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d "
                "LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY 1"
            )
        except Exception:  # no SQLITE_ENABLE_DBSTAT_VTAB
            return {}
        return dict(cursor.fetchall())


def _bodies(count: int) -> list[bytes]:
    return [
        json.dumps(
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
        for _ in range(count)
    ]


def main() -> int:
    bearer = _setup()
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}", HTTP_ORIGIN="*")

    def run(bodies: list[bytes]) -> None:
        for body in bodies:
            response = client.post(C2B, body, content_type="application/json")
            assert response.status_code == 201, response.content

    run(_bodies(200))  # warm-up: the bearer's one RSA decryption, imports, caches
    load = os.getloadavg()
    sizes_before = _table_bytes()
    started = time.perf_counter()
    run(_bodies(CALLS))
    plain_ms = (time.perf_counter() - started) * 1000 / CALLS
    sizes_after = _table_bytes()
    profiler = cProfile.Profile()
    bodies = _bodies(CALLS)
    profiler.enable()
    run(bodies)
    profiler.disable()
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, str], float] = {}
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for _, suffix, function in ENTRIES:
            if filename.endswith(suffix) and name == function:
                table[(suffix, function)] = table.get((suffix, function), 0.0) + cumulative
    handler = table.get(("django/core/handlers/base.py", "get_response"), 0.0)
    print(
        f"C2B single stage, reused bearer, {CALLS} calls in process (Django test client), "
        f"DEBUG off, SQLite WAL synchronous=FULL, local-memory cache; load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
    )
    print(f"without profiler: {plain_ms:.2f} ms per call (test client included)\n")
    print(f"{'with cProfile, per call':48} {'ms':>7} {'share':>6}")
    for label, suffix, function in ENTRIES:
        value = table.get((suffix, function), 0.0) * 1000 / CALLS
        share = value / (handler * 1000 / CALLS) if handler else 0.0
        print(f"{label:48} {value:7.3f} {share:6.0%}")
    view = table.get(("sandbox/views.py", "gateway"), 0.0)
    print(
        f"{'middleware (handler - view)':48} {(handler - view) * 1000 / CALLS:7.3f} "
        f"{(handler - view) / handler if handler else 0:6.0%}"
    )
    if sizes_before and sizes_after:
        print("\nSQLite bytes per C2B call (pages of each table with its indexes, dbstat):")
        for table in ("sandbox_apicall", "sandbox_transaction"):
            grown = sizes_after.get(table, 0) - sizes_before.get(table, 0)
            per_call = grown / CALLS
            print(f"  {table:28} {per_call:7.0f} B/call, {per_call / 100:6.1f} MB per 10k")
    if os.environ.get("BENCH_PROFILE_TOP"):
        stats.sort_stats("cumulative").print_stats(int(os.environ["BENCH_PROFILE_TOP"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
