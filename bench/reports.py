"""Reports at scale: 1,000,000 call-log rows for one key on PostgreSQL.

Times "Generate" (summary + chart data + the first table page) and the full CSV export,
and compares the exporting process's peak memory with a 10,000-row export measured in
the same run, each in a fresh process (flat memory: the ratio stays near 1 although the
rows are 100 times more).
Targets (issue 7): Generate under 300 ms, CSV memory flat.

Runs on its own database `portal_bench_reports` on the PostgreSQL server of DATABASE_URL
(or postgres://postgres@127.0.0.1:5432/ when DATABASE_URL is not PostgreSQL), created at
the start and dropped at the end. Without a reachable PostgreSQL it says so and exits 0.

    .venv/bin/python bench/reports.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
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


def setup_django(url: str, *, migrate: bool = True) -> None:
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

    if migrate:
        call_command("migrate", verbosity=0)


# --- Data -------------------------------------------------------------------------------

OPERATIONS = ("c2bPayment",) * 5 + ("queryTransactionStatus",) * 2 + ("reversal", "b2cPayment")
FAILURES = (
    ("INS-10", "Duplicate Transaction", 409),
    ("INS-2051", "MSISDN invalid.", 400),
    ("INS-9", "Request timeout", 408),
    ("INS-6", "Transaction Failed", 401),
)


def insert_calls(key, count: int, *, distinct_ids: bool = False) -> float:
    """Insert `count` calls for `key` spread over the last DAYS days, generated inside
    PostgreSQL (generate_series) so that a million rows take seconds; returns seconds.

    `distinct_ids` (bench/requestlog.py) gives the rows what a search looks for: MSISDNs
    shared by about ten calls each (`msisdn_of(i)`) and a TransactionReference per call
    (`R<i>`); without it every call has the same MSISDN and an empty request body."""
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
               '/sandbox/ipg/v2/vodafoneGHA/' || op || '/',
               CASE WHEN %(distinct)s
                    THEN jsonb_build_object('input_TransactionReference', 'R' || i)
                    ELSE '{}' END,
               '{}',
               CASE WHEN failed THEN (%(codes)s::text[])[f] ELSE 'INS-0' END,
               CASE WHEN failed THEN (%(descs)s::text[])[f]
                    ELSE 'Request processed successfully' END,
               CASE WHEN failed THEN (%(statuses)s::int[])[f] ELSE 201 END,
               round((exp(3.4 + 0.5 * sqrt(-2 * ln(1 - random()))
                      * cos(2 * pi() * random())))::numeric, 1),
               i %% 5 = 0, NOT failed, 10.00,
               CASE WHEN %(distinct)s THEN '2332' || lpad((i %% %(msisdns)s)::text, 8, '0')
                    ELSE '233241234567' END,
               'TX' || lpad(i::text, 10, '0'),
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
                "distinct": distinct_ids,
                "msisdns": max(count // 10, 1),
            },
        )
    return time.perf_counter() - started


def msisdn_of(i: int, count: int) -> str:
    """The MSISDN insert_calls(distinct_ids=True) gives call number `i` of `count`."""
    return "2332" + str(i % max(count // 10, 1)).rjust(8, "0")


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


def time_parts(user, key) -> dict[str, float]:
    """Median time of each part of a warm Generate."""
    from reports import histogram, queries, rollup

    selection = selection_for(key, user)
    parts = {
        "roll-up check": lambda: rollup.roll_up(key),
        "counts from slots": lambda: queries._grouped_slots(
            selection, queries._rolled_up_until(selection)
        ),
        "counts from the raw tail": lambda: queries._grouped_calls(
            replace(selection, since=queries._rolled_up_until(selection))
        ),
        "percentiles (histograms)": lambda: histogram.percentiles(
            queries.latency_histogram(selection, queries._rolled_up_until(selection)),
            (0.5, 0.95),
        ),
        "first table page": lambda: list(queries.table_rows(selection)[:50]),
    }
    timings = {}
    for name, part in parts.items():
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            part()
            runs.append((time.perf_counter() - started) * 1000)
        timings[name] = statistics.median(runs)
    return timings


_EXACT = (
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms), "
    "percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FROM "
)


def percentile_accuracy(user, key) -> dict:
    """The summary's p50 / p95 (histograms) against exact PERCENTILE_CONT over the same
    calls, and how long the exact sort takes (what Generate used to do)."""
    from django.db import connection, transaction

    from reports import queries

    selection = selection_for(key, user)
    summary = queries.summarize(selection)
    select, params = selection.calls().order_by().values("latency_ms").query.sql_with_params()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("".join((_EXACT, "(", select, ") AS calls")), params)
        exact = cursor.fetchone()
    seconds = time.perf_counter() - started
    approx = (summary["latency_p50_ms"], summary["latency_p95_ms"])
    return {
        "exact": exact,
        "approx": approx,
        "errors": [abs(a - e) / e for a, e in zip(approx, exact, strict=True)],
        "exact_ms": seconds * 1000,
    }


def time_http(user, key, runs: int = 3) -> list[float]:
    """The same through the views: POST /reports/generate/ (302) + the report page."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post("/reports/generate/", {"range": "30d", "key": str(key.public_id)})
        assert response.status_code == 302, response.status_code
        page = client.get(response["Location"])
        assert page.status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def csv_child(key_pk: int) -> None:
    """In a fresh process: stream one key's whole CSV, print size, time and memory.

    A fresh process per export, so that the peak resident memory (ru_maxrss) belongs to
    that export alone and the two exports compare fairly.
    """
    from accounts.models import ApiKey
    from reports import csvexport

    key = ApiKey.objects.select_related("user").get(pk=key_pk)
    selection = selection_for(key, key.user)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    size = rows = 0
    for piece in csvexport.rows(selection):
        size += len(piece)
        rows += piece.count("\n")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows - 1,
                "bytes": size,
                "seconds": seconds,
                "rss_before_kb": before,
                "rss_peak_kb": peak,
            }
        )
    )


def csv_export(url: str, key) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--csv-child", str(key.pk), "--server", url],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    global ROWS
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--csv-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--server", help=argparse.SUPPRESS)
    args = parser.parse_args()
    ROWS = args.rows
    if args.csv_child:
        setup_django(args.server, migrate=False)
        csv_child(args.csv_child)
        return 0
    url = server_url()
    if not create_database(url):
        return 0
    try:
        setup_django(url)
        user, big, other, small = prepare()

        first = time_generate(user, big, runs=1)[0]
        print(
            f"first Generate of the key (rolls its {ROWS:,} calls up into 15-minute slots "
            f"once): {first:.0f} ms"
        )
        generate = time_generate(user, big)
        median = statistics.median(generate)
        print(
            f"Generate (summary + chart data + first table page), {ROWS:,} rows in range: "
            f"median {median:.0f} ms, runs {', '.join(f'{t:.0f}' for t in generate)} ms "
            f"-> {'OK' if median < TARGET_MS else 'OVER'} target {TARGET_MS} ms "
            f"(ratio {median / TARGET_MS:.2f})"
        )
        parts = time_parts(user, big)
        print("  of which: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in parts.items()))
        accuracy = percentile_accuracy(user, big)
        print(
            "  latency p50 / p95 from the histograms: "
            f"{accuracy['approx'][0]} / {accuracy['approx'][1]} ms vs exact PERCENTILE_CONT "
            f"{accuracy['exact'][0]:.1f} / {accuracy['exact'][1]:.1f} ms (relative error "
            f"{accuracy['errors'][0]:.2%} / {accuracy['errors'][1]:.2%}, bound 2 %); the exact "
            f"sort alone takes {accuracy['exact_ms']:.0f} ms"
        )
        base = statistics.median(time_generate(other, small))
        print(
            f"  baseline Generate over {BASELINE_ROWS:,} rows: {base:.0f} ms "
            f"(time ratio {median / base:.1f} for {ROWS / BASELINE_ROWS:.0f}x the rows)"
        )
        http = time_http(user, big)
        print(
            f"  through the views (generate + report page): median {statistics.median(http):.0f} ms"
        )

        small_csv = csv_export(url, small)
        big_csv = csv_export(url, big)
        print(
            f"CSV export: {big_csv['rows']:,} rows, {big_csv['bytes'] / 1e6:.0f} MB in "
            f"{big_csv['seconds']:.1f} s ({big_csv['rows'] / big_csv['seconds']:,.0f} rows/s)"
        )
        grew_big = (big_csv["rss_peak_kb"] - big_csv["rss_before_kb"]) / 1024
        grew_small = (small_csv["rss_peak_kb"] - small_csv["rss_before_kb"]) / 1024
        ratio = big_csv["rss_peak_kb"] / small_csv["rss_peak_kb"]
        print(
            f"  peak RSS of the exporting process: {big_csv['rss_peak_kb'] / 1024:.0f} MB "
            f"for {big_csv['rows']:,} rows vs {small_csv['rss_peak_kb'] / 1024:.0f} MB for "
            f"{small_csv['rows']:,} rows (baseline in the same run) -> ratio {ratio:.2f} for "
            f"{big_csv['rows'] / max(small_csv['rows'], 1):.0f}x the rows; growth during the "
            f"export {grew_big:.1f} MB vs {grew_small:.1f} MB "
            f"({'flat' if ratio < 1.5 else 'NOT flat'})"
        )
    finally:
        drop_database(url)
    return 0


ROWS = 1_000_000

if __name__ == "__main__":
    sys.exit(main())
