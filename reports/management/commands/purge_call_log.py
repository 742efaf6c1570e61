"""`manage.py purge_call_log --older-than 90d`: delete raw call-log rows (sandbox.ApiCall)
older than the cutoff, but only where the roll-up (reports.rollup) already keeps them.

Reports of old periods read their counts from the 15-minute slots (CallSlot) and their
latency percentiles from the hourly and daily histograms (LatencyBucket) wherever the
key's RollupMark has passed, so the raw rows behind them are no longer needed there.
Per key the rows deleted are those before min(cutoff, the key's mark floored to the
hour): the summary's raw tail starts at the last whole hour before the mark, so those
rows stay. A key never rolled up keeps all its rows (reported as left in place); run
beat's roll-up (reports.tasks.roll_up_keys) first. Deletes in batches of --batch-size
rows, each in its own transaction, so the call log stays writable meanwhile.

What goes with the rows (docs/scaling.md, "Call log growth"): the request log and CSV
rows of the purged period, Go Live evidence counted from it, and the link from old
callback deliveries to their call (set to null). Never `rollup.reset` a key after a
purge: its slots would be rebuilt from the rows that are left.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey
from reports import rollup
from reports.models import RollupMark
from sandbox.models import ApiCall

_UNITS = {"d": "days", "h": "hours", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """'90d', '12w' or '36h' -> timedelta (at least one hour)."""
    match = re.fullmatch(r"\s*(\d+)\s*([dhw])\s*", text or "")
    if not match:
        raise CommandError(f"--older-than {text!r}: expected a number and d, h or w (90d)")
    age = timedelta(**{_UNITS[match[2]]: int(match[1])})
    if age < timedelta(hours=1):
        raise CommandError("--older-than must be at least 1h")
    return age


def purge(*, cutoff, batch_size: int = 5000, dry_run: bool = False) -> dict[str, int]:
    """Delete the rolled-up call-log rows before `cutoff`; counts of what was done."""
    done = {"deleted": 0, "keys": 0, "left_not_rolled_up": 0}
    marks = dict(RollupMark.objects.values_list("api_key_id", "rolled_until"))
    for key_id in ApiKey.objects.order_by("pk").values_list("pk", flat=True):
        old = ApiCall.objects.filter(api_key_id=key_id, created_at__lt=cutoff)
        mark = marks.get(key_id)
        if mark is None:  # never rolled up: every row is still the only record
            done["left_not_rolled_up"] += old.count()
            continue
        bound = min(cutoff, rollup.floor_slot(mark, rollup.HOUR_SECONDS))
        if bound < cutoff:
            done["left_not_rolled_up"] += old.filter(created_at__gte=bound).count()
        rows = ApiCall.objects.filter(api_key_id=key_id, created_at__lt=bound)
        count = rows.count() if dry_run else _delete_in_batches(rows, batch_size)
        done["deleted"] += count
        done["keys"] += bool(count)
    return done


def _delete_in_batches(rows, batch_size: int) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            ApiCall.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


class Command(BaseCommand):
    help = "Delete raw call-log rows older than --older-than where the roll-ups keep them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than", required=True, help="age: 90d, 12w or 36h")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, **options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        cutoff = timezone.now() - parse_age(options["older_than"])
        done = purge(cutoff=cutoff, batch_size=options["batch_size"], dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb} {done['deleted']} call-log rows before {cutoff:%Y-%m-%d %H:%M} UTC "
            f"({done['keys']} keys); {done['left_not_rolled_up']} older rows left in place "
            "because they are not rolled up yet"
        )
