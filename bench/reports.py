"""Reports at scale: 1,000,000 call-log rows for one key on PostgreSQL.

Times "Generate" (summary + chart data + the first table page) and the full CSV export,
and compares the CSV's peak Python memory with a 10,000-row export measured in the same
run (flat memory means the ratio stays near 1 although the rows are 100 times more).
Targets (issue 7): Generate under 300 ms, CSV memory flat.

Runs on its own database `portal_bench_reports` on the PostgreSQL server of DATABASE_URL
(or postgres://postgres@127.0.0.1:5432/ when DATABASE_URL is not PostgreSQL), created at
the start and dropped at the end. Without a reachable PostgreSQL it says so and exits 0.

    .venv/bin/python bench/reports.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "portal_bench_reports"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
BASELINE_ROWS = 10_000
DAYS = 30
TARGET_MS = 300


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return DEFAULT_SERVER


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=3)


def create_database(url: str) -> bool:
    try:
        with admin_connection(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    except Exception as error:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"SKIP bench/reports.py: no PostgreSQL reachable at {url} ({error}).")
        return False
    return True


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django(url: str) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        DATABASE_URL=with_database(url, DB_NAME),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        PORTAL_VAR_DIR=tempfile.mkdtemp(prefix="bench-reports-"),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # No query log while measuring (DEBUG stays on at load time so that static files
    # need no collected manifest).
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- Data -------------------------------------------------------------------------------

OPERATIONS = ("c2bPayment",) * 5 + ("queryTransactionStatus",) * 2 + ("reversal", "b2cPayment")
FAILURES = (
    ("INS-10", "Duplicate Transaction", 409),
    ("INS-2051", "MSISDN invalid.", 400),
    ("INS-9", "Request timeout", 408),
    ("INS-6", "Transaction Failed", 401),
)


def insert_calls(key, count: int) -> float:
    """Insert `count` calls for `key` spread over the last DAYS days, generated inside
    PostgreSQL (generate_series) so that a million rows take seconds; returns seconds."""
    from django.db import connection

    ops = "{" + ",".join(OPERATIONS) + "}"
    codes = "{" + ",".join(c for c, _, _ in FAILURES) + "}"
    descs = "{" + ",".join(f'"{d}"' for _, d, _ in FAILURES) + "}"
    statuses = "{" + ",".join(str(s) for _, _, s in FAILURES) + "}"
    sql = """
        INSERT INTO sandbox_apicall (
            public_id, api_key_id, user_id, operation, market, method, path, request_body,
            response_body, result_code, result_desc, http_status, latency_ms, is_async,
            is_success, amount, msisdn, transaction_id, conversation_id,
            third_party_conversation_id, created_at
        )
        SELECT gen_random_uuid(), %(key)s, %(user)s, op, 'vodafoneGHA', 'POST',
               '/sandbox/ipg/v2/vodafoneGHA/' || op || '/', '{}', '{}',
               CASE WHEN failed THEN (%(codes)s::text[])[f] ELSE 'INS-0' END,
               CASE WHEN failed THEN (%(descs)s::text[])[f]
                    ELSE 'Request processed successfully' END,
               CASE WHEN failed THEN (%(statuses)s::int[])[f] ELSE 201 END,
               round((exp(3.4 + 0.5 * sqrt(-2 * ln(1 - random()))
                      * cos(2 * pi() * random())))::numeric, 1),
               i %% 5 = 0, NOT failed, 10.00, '233241234567', 'TX' || lpad(i::text, 10, '0'),
               md5(i::text || %(key)s), 'bench' || i,
               now() - random() * %(days)s * interval '1 day'
        FROM (
            SELECT i, random() < 0.12 AS failed, 1 + floor(random() * 4)::int AS f,
                   (%(ops)s::text[])[1 + floor(random() * %(nops)s)::int] AS op
            FROM generate_series(1, %(count)s) AS i
        ) AS g
    """
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "key": key.pk,
                "user": key.user_id,
                "ops": ops,
                "codes": codes,
                "descs": descs,
                "statuses": statuses,
                "count": count,
                "days": DAYS,
                "nops": len(OPERATIONS),
            },
        )
    return time.perf_counter() - started


def prepare():
    from django.db import connection
    from django.utils import timezone

    from accounts import keys
    from accounts.models import User

    user = User.objects.create_user(
        "bench",
        "bench@example.com",
        "bench-password-123",
        phone_number="+233200000901",
        phone_confirmed_at=timezone.now(),
    )
    big, _ = keys.issue_api_key(user)
    print(f"inserting {ROWS:,} calls for one key ...", flush=True)
    seconds = insert_calls(big, ROWS)
    print(f"  {ROWS:,} rows in {seconds:.1f} s ({ROWS / seconds:,.0f} rows/s)")
    # The baseline key: another developer's, BASELINE_ROWS calls.
    other = User.objects.create_user(
        "bench2",
        "bench2@example.com",
        "bench-password-123",
        phone_number="+233200000902",
        phone_confirmed_at=timezone.now(),
    )
    small, _ = keys.issue_api_key(other)
    insert_calls(small, BASELINE_ROWS)
    with connection.cursor() as cursor:
        # As autovacuum would: statistics for the planner, and the visibility map that
        # lets the (api_key, created_at) index answer without visiting the table.
        cursor.execute("VACUUM ANALYZE sandbox_apicall")
    return user, big, other, small


# --- Measurements -----------------------------------------------------------------------


def selection_for(key, user):
    from django.utils import timezone

    from reports.queries import Selection, zone

    tz = zone(user.timezone)
    today = timezone.now().astimezone(tz).date()
    return Selection(key, today - timedelta(days=DAYS - 1), today, tz=tz)


def time_generate(user, key, runs: int = 5) -> list[float]:
    """Generate as the page does it: summarise + save, then the first table page."""
    from reports import queries, services

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        report = services.generate_report(user, selection=selection_for(key, user))
        first_page = list(queries.table_rows(services.selection_of(report))[:50])
        timings.append((time.perf_counter() - started) * 1000)
        assert report.summary["calls"] > 0 and len(first_page) == 50
    return timings


def time_http(user, key, runs: int = 3) -> list[float]:
    """The same through the views: GET /reports/generate/ (302) + the report page."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/reports/generate/", {"range": "30d", "key": str(key.public_id)})
        assert response.status_code == 302, response.status_code
        page = client.get(response["Location"])
        assert page.status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def csv_export(user, key, *, trace: bool) -> tuple[int, int, float]:
    """(bytes, peak traced memory in bytes, seconds) of streaming the whole CSV."""
    from reports import csvexport

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    size = 0
    for piece in csvexport.rows(selection_for(key, user)):
        size += len(piece)
    seconds = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return size, peak, seconds


def explain(user, key) -> None:
    """The plans of the summary queries, so a regression in index use is visible."""
    from django.db.models import Count

    from reports.queries import Selection

    selection: Selection = selection_for(key, user)
    plan = selection.calls().values("operation").annotate(n=Count("id")).explain()
    print("  plan (per-API summary):", " | ".join(line.strip() for line in plan.splitlines()[:4]))


def main() -> int:
    global ROWS
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    ROWS = parser.parse_args().rows
    url = server_url()
    if not create_database(url):
        return 0
    try:
        setup_django(url)
        user, big, other, small = prepare()
        explain(user, big)

        generate = time_generate(user, big)
        median = statistics.median(generate)
        print(
            f"Generate (summary + chart data + first table page), {ROWS:,} rows in range: "
            f"median {median:.0f} ms, runs {', '.join(f'{t:.0f}' for t in generate)} ms "
            f"-> {'OK' if median < TARGET_MS else 'OVER'} target {TARGET_MS} ms "
            f"(ratio {median / TARGET_MS:.2f})"
        )
        base = statistics.median(time_generate(other, small))
        print(
            f"  baseline Generate over {BASELINE_ROWS:,} rows: {base:.0f} ms "
            f"(1M/10k time ratio {median / base:.1f})"
        )
        http = time_http(user, big)
        print(
            f"  through the views (generate + report page): median {statistics.median(http):.0f} ms"
        )

        small_bytes, small_peak, _ = csv_export(other, small, trace=True)
        big_bytes, big_peak, traced_seconds = csv_export(user, big, trace=True)
        _, _, seconds = csv_export(user, big, trace=False)
        print(
            f"CSV export: {ROWS:,} rows, {big_bytes / 1e6:.0f} MB in {seconds:.1f} s "
            f"({ROWS / seconds:,.0f} rows/s; {traced_seconds:.1f} s under tracemalloc)"
        )
        print(
            f"  peak Python memory: {big_peak / 1e6:.2f} MB for {ROWS:,} rows vs "
            f"{small_peak / 1e6:.2f} MB for {BASELINE_ROWS:,} rows "
            f"(baseline {small_bytes / 1e6:.1f} MB of CSV) -> memory ratio "
            f"{big_peak / small_peak:.2f} for {ROWS / BASELINE_ROWS:.0f}x the rows "
            f"({'flat' if big_peak / small_peak < 2 else 'NOT flat'})"
        )
    finally:
        drop_database(url)
    return 0


ROWS = 1_000_000

if __name__ == "__main__":
    sys.exit(main())
