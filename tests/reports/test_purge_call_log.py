"""`manage.py purge_call_log --older-than`: raw rows of rolled-up periods go, the reports
of those periods stay the same (docs/scaling.md, "Call log growth")."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from reports import queries, rollup
from reports.management.commands.purge_call_log import parse_age
from reports.queries import Selection
from sandbox.models import ApiCall
from tests.reports.conftest import FAILED

pytestmark = pytest.mark.django_db


def _traffic(key, make_call, start, *, hours: int, every_minutes: int = 7) -> int:
    at, i = start, 0
    while at < start + timedelta(hours=hours):
        extra = FAILED if i % 4 == 0 else {}
        op = "reversal" if i % 3 == 0 else "c2bPayment"
        make_call(key, at=at, operation=op, latency_ms=float(5 + (i * 37) % 90), **extra)
        at += timedelta(minutes=every_minutes)
        i += 1
    return i


def _purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_call_log", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("tz", ["UTC", "Africa/Nairobi"])
def test_purged_periods_report_the_same_from_the_roll_ups(developer, make_call, tz):
    key = developer.api_key
    today = timezone.now().astimezone(ZoneInfo(tz)).date()
    old_day = today - timedelta(days=120)
    midnight = timezone.now().astimezone(ZoneInfo(tz)).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) - timedelta(days=120)
    old_calls = _traffic(key, make_call, midnight, hours=48)
    recent = _traffic(
        key, make_call, timezone.now() - timedelta(days=10), hours=2, every_minutes=30
    )
    rollup.roll_up(key)
    old_period = Selection(key, old_day, old_day + timedelta(days=1), tz=ZoneInfo(tz))
    whole = Selection(key, old_day, today, tz=ZoneInfo(tz))
    before = queries.summarize(old_period), queries.summarize(whole)
    assert before[0]["calls"] == old_calls

    out = _purge("--older-than", "90d", "--batch-size", "37")

    assert f"deleted {old_calls} call-log rows" in out
    assert not ApiCall.objects.filter(created_at__lt=timezone.now() - timedelta(days=90)).exists()
    assert ApiCall.objects.count() == recent
    assert not queries.table_rows(old_period).exists()  # the raw rows are gone ...
    assert (queries.summarize(old_period), queries.summarize(whole)) == before  # ... not the report


def test_calls_not_rolled_up_are_left_in_place(developer, other_developer, make_call):
    rolled, pending = developer.api_key, other_developer.api_key
    start = timezone.now() - timedelta(days=100)
    _traffic(rolled, make_call, start, hours=3)
    left = _traffic(pending, make_call, start, hours=3)
    rollup.roll_up(rolled)

    out = _purge("--older-than", "90d")

    assert f"{left} older rows left in place" in out
    assert not ApiCall.objects.filter(api_key=rolled).exists()
    assert ApiCall.objects.filter(api_key=pending).count() == left


def test_only_hours_the_mark_has_passed_are_purged(developer, make_call):
    """The summary's raw tail starts at the last whole hour before the mark: rows from
    there on stay even when older than the cutoff."""
    key = developer.api_key
    start = timezone.now() - timedelta(days=100)
    _traffic(key, make_call, start, hours=6)
    mark = rollup.roll_up(key, now=start + timedelta(hours=3, minutes=40))
    hour = rollup.floor_slot(mark, rollup.HOUR_SECONDS)

    _purge("--older-than", "90d")

    assert not ApiCall.objects.filter(created_at__lt=hour).exists()
    assert ApiCall.objects.filter(created_at__gte=hour).exists()


def test_dry_run_deletes_nothing(developer, make_call):
    key = developer.api_key
    n = _traffic(key, make_call, timezone.now() - timedelta(days=100), hours=2)
    rollup.roll_up(key)

    assert f"would delete {n} call-log rows" in _purge("--older-than", "90d", "--dry-run")
    assert ApiCall.objects.count() == n


@pytest.mark.parametrize("text", ["", "90", "d", "-3d", "0h", "90 days", "1.5d"])
def test_an_unreadable_age_is_refused(text):
    with pytest.raises(CommandError):
        parse_age(text)


def test_ages_in_days_weeks_and_hours():
    assert parse_age("90d") == timedelta(days=90)
    assert parse_age("12w") == timedelta(weeks=12)
    assert parse_age("36h") == timedelta(hours=36)
