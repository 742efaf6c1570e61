"""Rolling the call log up into 15-minute slots (CallSlot), lazily, per key.

The call log is append-only and each call is stamped with the time it is written, so a
slot that ended a while ago can no longer change. `roll_up(key)` aggregates, in the
database, the calls between the key's mark and the last settled slot boundary, stores
one CallSlot per (slot, API, result, outcome) and moves the mark. Summaries then read the
slots before the mark and only the recent tail of raw calls after it.

`roll_up` is the one step that writes, and it is called by name: by Generate
(reports.services.generate_report) before it summarises, and by beat's
`reports.tasks.roll_up_keys` every 5 minutes for every key in use. Reads never roll up:
they read `rolled_until(key)` and take everything after it from the raw calls, so a
summary is correct however far behind the mark is; a stale mark only makes it slower.

The same roll-up keeps the latency histograms (LatencyBucket, reports.histogram) per
hour and per UTC day: the hours from the hour of the old mark to the new mark are counted
again from the calls, then the days they touch again from those hours, so a period is
never counted twice and only the last, partial hour and day are ever rewritten.

Whatever writes calls with an old timestamp (seed_demo, benchmarks) must `reset` the
key's roll-up afterwards; the gateway never does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, DateTimeField, Func, Max, Sum
from django.utils import timezone

from accounts.models import ApiKey
from reports.histogram import BucketOf
from reports.models import CallSlot, LatencyBucket, RollupMark
from sandbox.models import ApiCall

SLOT_SECONDS = 15 * 60
HOUR_SECONDS = 60 * 60
DAY_SECONDS = 24 * HOUR_SECONDS
# A call is stamped when its row is written, inside the request's transaction, so it can
# become visible a moment after its timestamp. Slots are rolled up only once every
# request that could still land in them is long finished (gateway requests last seconds).
SETTLE = timedelta(minutes=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A roll-up adding more slots than this refreshes the table's planner statistics.
ANALYZE_AFTER_ROWS = 10_000


class SlotStart(Func):
    """The start of the 15-minute slot of a timestamp (or of its period of `seconds`,
    counted from the Unix epoch: UTC hours and days), computed by the database."""

    output_field = DateTimeField()

    def __init__(self, expression, seconds: int = SLOT_SECONDS, **extra):
        # An int of ours, never user input: safe to inline in the SQL.
        self.seconds = int(seconds)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=(
                f"date_bin('{self.seconds} seconds', %(expressions)s, "
                "TIMESTAMPTZ '2001-01-01 00:00:00+00')"
            ),
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores SQLite datetimes as UTC text; epoch seconds floored to the slot.
        # Each literal % is written %%%% here: this template's formatting halves it, and
        # the SQL must still carry %% for Django's cursor (which halves it again, and
        # formats the SQL with its parameters for the query log when DEBUG is on).
        return self.as_sql(
            compiler,
            connection,
            template=(
                "strftime('%%%%Y-%%%%m-%%%%d %%%%H:%%%%M:%%%%S', "
                f"(CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) / {self.seconds}) "
                f"* {self.seconds}, 'unixepoch')"
            ),
            **extra,
        )


def floor_slot(moment: datetime, seconds: int = SLOT_SECONDS) -> datetime:
    return datetime.fromtimestamp(int(moment.timestamp()) // seconds * seconds, tz=UTC)


def ceil_slot(moment: datetime, seconds: int = SLOT_SECONDS) -> datetime:
    return datetime.fromtimestamp(-(-int(moment.timestamp()) // seconds) * seconds, tz=UTC)


def is_slot_boundary(moment: datetime) -> bool:
    return moment.timestamp() % SLOT_SECONDS == 0


def rolled_until(api_key: ApiKey) -> datetime:
    """Where the key's slots stop (a read: the epoch when nothing is rolled up yet)."""
    mark = RollupMark.objects.filter(api_key=api_key).values_list("rolled_until", flat=True)
    return mark.first() or _EPOCH


def roll_up(api_key: ApiKey, *, now: datetime | None = None) -> datetime:
    """Roll the key's settled calls up into slots; returns the new mark."""
    target = floor_slot((now or timezone.now()) - SETTLE)
    RollupMark.objects.get_or_create(api_key=api_key, defaults={"rolled_until": _EPOCH})
    with transaction.atomic():
        # One roll-up per key at a time: a second Generate waits, then finds the work done.
        mark = RollupMark.objects.select_for_update().get(api_key=api_key)
        if mark.rolled_until >= target:
            return mark.rolled_until
        groups = (
            ApiCall.objects.filter(
                api_key=api_key, created_at__gte=mark.rolled_until, created_at__lt=target
            )
            .order_by()
            .annotate(slot=SlotStart("created_at"))
            .values("slot", "operation", "result_code", "result_desc", "is_success")
            .annotate(
                calls=Count("id"),
                latency_sum=Sum("latency_ms"),
                latency_max=Max("latency_ms"),
            )
        )
        _store(api_key, groups)
        _store_latencies(api_key, since=mark.rolled_until, until=target)
        mark.rolled_until = target
        mark.save(update_fields=["rolled_until"])
        return target


@transaction.atomic
def reset(api_key: ApiKey) -> None:
    """Forget the key's slots; the next summary rolls its whole history up again."""
    RollupMark.objects.filter(api_key=api_key).delete()
    CallSlot.objects.filter(api_key=api_key).delete()
    LatencyBucket.objects.filter(api_key=api_key).delete()


# PostgreSQL writes the slots straight from the GROUP BY (INSERT ... SELECT): a first
# roll-up of a million calls then never builds Python objects.
_INSERT = (
    "INSERT INTO reports_callslot (api_key_id, slot_start, operation, result_code, "
    "result_desc, is_success, calls, latency_sum_ms, latency_max_ms) "
    "SELECT %s, g.slot, g.operation, g.result_code, g.result_desc, g.is_success, g.calls, "
    "g.latency_sum, g.latency_max FROM "
)


def _store(api_key: ApiKey, groups) -> None:
    if connection.vendor == "postgresql":
        select, params = groups.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("".join((_INSERT, "(", select, ") AS g")), (api_key.pk, *params))
            if cursor.rowcount > ANALYZE_AFTER_ROWS:
                # Fresh statistics at once (autovacuum comes later): without them the
                # planner misjudges the next summaries of this key by a factor of four.
                cursor.execute("ANALYZE reports_callslot")
        return
    CallSlot.objects.bulk_create(
        (
            CallSlot(
                api_key=api_key,
                slot_start=group["slot"],
                operation=group["operation"],
                result_code=group["result_code"],
                result_desc=group["result_desc"],
                is_success=group["is_success"],
                calls=group["calls"],
                latency_sum_ms=group["latency_sum"],
                latency_max_ms=group["latency_max"],
            )
            for group in groups.iterator(chunk_size=5000)
        ),
        batch_size=2000,
    )


_INSERT_BUCKETS = (
    "INSERT INTO reports_latencybucket (api_key_id, hours, period_start, operation, "
    "result_code, is_success, bucket, calls) "
    "SELECT %s, %s, g.period, g.operation, g.result_code, g.is_success, g.bucket, g.calls FROM "
)
_BUCKET_GROUP = ("period", "operation", "result_code", "is_success", "bucket")


def _store_latencies(api_key: ApiKey, *, since: datetime, until: datetime) -> None:
    """Recount the histograms of the hours and days from `since` (the old mark) to
    `until` (the new one): hours from the calls, then days from those hours."""
    hour = floor_slot(since, HOUR_SECONDS)
    day = floor_slot(since, DAY_SECONDS)
    LatencyBucket.objects.filter(
        api_key=api_key, hours=LatencyBucket.HOUR, period_start__gte=hour
    ).delete()
    per_hour = (
        ApiCall.objects.filter(api_key=api_key, created_at__gte=hour, created_at__lt=until)
        .order_by()
        .annotate(period=SlotStart("created_at", HOUR_SECONDS), bucket=BucketOf("latency_ms"))
        .values(*_BUCKET_GROUP)
        .annotate(calls=Count("id"))
    )
    _insert_buckets(api_key, LatencyBucket.HOUR, per_hour)
    LatencyBucket.objects.filter(
        api_key=api_key, hours=LatencyBucket.DAY, period_start__gte=day
    ).delete()
    per_day = (
        LatencyBucket.objects.filter(
            api_key=api_key, hours=LatencyBucket.HOUR, period_start__gte=day
        )
        .order_by()
        .annotate(period=SlotStart("period_start", DAY_SECONDS))
        .values(*_BUCKET_GROUP)
        .annotate(calls=Sum("calls"))
    )
    _insert_buckets(api_key, LatencyBucket.DAY, per_day)


def _insert_buckets(api_key: ApiKey, hours: int, groups) -> None:
    """INSERT ... SELECT from the GROUP BY: the histograms never pass through Python."""
    select, params = groups.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "".join((_INSERT_BUCKETS, "(", select, ") AS g")), (api_key.pk, hours, *params)
        )
        if connection.vendor == "postgresql" and cursor.rowcount > ANALYZE_AFTER_ROWS:
            cursor.execute("ANALYZE reports_latencybucket")
