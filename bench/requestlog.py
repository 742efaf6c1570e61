"""Request-log search at scale: 1,000,000 calls of one developer among others, PostgreSQL.

Times a search by TransactionID, ConversationID, ThirdPartyConversationID, MSISDN and
reference through the request log's own query (the filter form's `apply` on
`requestlog.calls_of`, then the first page, exactly what /requests/?q=... runs), median
of --runs, against a floor measured in the same run (a primary-key lookup of one call,
through the same ORM) and against the 50 ms target of issue 15. It also prints the plan
of one search, to show which index answered.

Runs on its own database `portal_bench_requestlog` on the PostgreSQL server of
--database-url (else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/), created at
the start and dropped at the end. Without a reachable PostgreSQL it says so and exits 0.
The rows are made by bench/reports.py's `insert_calls` (generate_series inside the
server), not a second seeding helper.

    .venv/bin/python bench/requestlog.py --database-url postgres://postgres@127.0.0.1:5432/ \
        [--rows 1000000] [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import reports as seeding  # noqa: E402  (the path above makes `bench` importable)

DB_NAME = "portal_bench_requestlog"
TARGET_MS = 50
# A scan node of an EXPLAIN: "Index Scan using <index>", "Bitmap Heap Scan", "Seq Scan".
SCAN = re.compile(
    r"(?:Seq Scan|Bitmap Heap Scan|Index Only Scan|Index Scan)(?: Backward)?(?: using \S+)?"
)
# The others: three developers holding this share of the log between them.
OTHER_DEVELOPERS = 3
OTHER_SHARE = 0.25


def prepare(rows: int):
    from django.db import connection
    from django.utils import timezone

    from accounts import keys
    from accounts.models import User

    def developer(n: int):
        return User.objects.create_user(
            f"bench{n}",
            f"bench{n}@example.com",
            "bench-password-123",
            phone_number=f"+2332000009{n:02d}",
            phone_confirmed_at=timezone.now(),
        )

    user = developer(0)
    key, _ = keys.issue_api_key(user)
    print(f"inserting {rows:,} calls for the developer ...", flush=True)
    seconds = seeding.insert_calls(key, rows, distinct_ids=True)
    print(f"  {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
    each = int(rows * OTHER_SHARE / OTHER_DEVELOPERS)
    for n in range(1, OTHER_DEVELOPERS + 1):
        # The same TransactionIDs (TX + i) as the developer's: a search must stay within
        # the developer's own calls, not just find the value.
        other_key, _ = keys.issue_api_key(developer(n))
        seeding.insert_calls(other_key, each, distinct_ids=True)
    print(f"  and {each * OTHER_DEVELOPERS:,} calls of {OTHER_DEVELOPERS} other developers")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sandbox_apicall")
    return user


def targets(user, rows: int) -> dict[str, str]:
    """One call in the middle of the developer's log: each of its IDs to search for."""
    from sandbox.models import ApiCall

    i = rows // 2
    call = ApiCall.objects.get(user=user, transaction_id=f"TX{i:010d}")
    return {
        "TransactionID": call.transaction_id,
        "ConversationID": call.conversation_id,
        "ThirdPartyConversationID": call.third_party_conversation_id,
        "MSISDN": seeding.msisdn_of(i, rows),
        "reference": call.request_body["input_TransactionReference"],
    }


def search(user, term: str) -> list:
    """What the request-log view runs for ?q=<term>: the form's filters, the first page."""
    from dashboard import requestlog
    from dashboard.forms import RequestLogFilterForm

    form = RequestLogFilterForm({"q": term}, user=user)
    assert form.is_valid(), form.errors
    calls = form.apply(requestlog.calls_of(user))
    return requestlog.newest_first(calls, after=None, search=form.search_term, user=user)


def page_query(user, term: str, after=None):
    """The query search() runs for its page (the same form and requestlog calls)."""
    from dashboard import requestlog
    from dashboard.forms import RequestLogFilterForm

    form = RequestLogFilterForm({"q": term}, user=user)
    assert form.is_valid(), form.errors
    calls = form.apply(requestlog.calls_of(user))
    return requestlog.page_query(calls, after=after, search=form.search_term, user=user)


def show_plans(user, wanted: dict[str, str]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each search's page, and of the next page (keyset)
    of a search: every probe must be an index scan that stops at a page of rows, never
    a bitmap heap scan or a sequential scan over the log."""
    from sandbox.models import ApiCall

    older = ApiCall.objects.filter(user=user, msisdn=wanted["MSISDN"]).order_by("-created_at")
    cases = [(name, term, None) for name, term in wanted.items()]
    cases.append(("MSISDN, next page (keyset)", wanted["MSISDN"], older[1]))
    for name, term, after in cases:
        plan = page_query(user, term, after).explain(analyze=True, buffers=True)
        scans = sorted(set(SCAN.findall(plan)))
        bad = [s for s in scans if s.startswith(("Seq Scan", "Bitmap Heap Scan"))]
        timing = [line.strip() for line in plan.splitlines() if "Execution Time" in line]
        print(
            f"plan of the search by {name}: {', '.join(scans)}; {timing[0] if timing else ''}"
            f" -> {'OK' if not bad else 'NOT INDEX-ONLY PROBES: ' + ', '.join(bad)}"
        )
        if name == "TransactionID" or bad:
            for line in plan.splitlines():
                print("   ", line)


def median_ms(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm: connection, plan cache, pages
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (any database on it)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    seeding.DB_NAME = DB_NAME  # create/drop/setup of bench/reports.py, on this database
    url = seeding.server_url()
    if not seeding.create_database(url):
        return 0
    try:
        seeding.setup_django(url)
        from sandbox.models import ApiCall

        user = prepare(args.rows)
        wanted = targets(user, args.rows)
        some_pk = ApiCall.objects.filter(user=user).values_list("pk", flat=True).first()
        floor, _ = median_ms(lambda: list(ApiCall.objects.filter(pk=some_pk)), args.runs)
        print(f"floor: one call by primary key through the ORM, median {floor:.2f} ms")
        worst = 0.0
        for name, term in wanted.items():
            found = search(user, term)
            assert found, f"the search by {name} found nothing"
            median, times = median_ms(lambda term=term: search(user, term), args.runs)
            worst = max(worst, median)
            print(
                f"search by {name:<24} {len(found):>3} call(s): median {median:6.2f} ms "
                f"(max {max(times):6.2f}), {median / floor:5.1f}x the floor -> "
                f"{'OK' if median < TARGET_MS else 'OVER'} target {TARGET_MS} ms"
            )
        show_plans(user, wanted)
        print(
            f"slowest search median {worst:.2f} ms over {args.rows:,} calls of the developer "
            f"-> {'OK' if worst < TARGET_MS else 'OVER'} target {TARGET_MS} ms"
        )
    finally:
        seeding.drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
