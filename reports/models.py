from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Report(models.Model):
    """One press of "Generate": its parameters and summary. Go Live sends the latest."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    api_key = models.ForeignKey("accounts.ApiKey", on_delete=models.PROTECT, related_name="reports")
    date_from = models.DateField()
    date_to = models.DateField()
    filters = models.JSONField(default=dict, blank=True)
    # A report is a snapshot: it covers the calls logged before this instant (the moment
    # of Generate), so its table, CSV and Go Live copy always match its summary.
    calls_until = models.DateTimeField(null=True, blank=True)
    # {"calls", "successes", "failures", "success_rate", "latency_p50_ms",
    #  "latency_p95_ms", "per_api": [...], "per_result": [...], "per_day": [...],
    #  "timezone"}: see reports.queries.summarize.
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # "Recent reports" and Go Live's "latest report of this developer".
            models.Index(fields=["user", "-created_at"], name="reports_report_user_created"),
        ]

    def __str__(self) -> str:
        return f"report {self.date_from}..{self.date_to} of {self.user}"


class CallSlot(models.Model):
    """The call log rolled up per key, 15-minute slot and outcome: what summaries read.

    A summary over a million calls reads a few thousand slots instead (reports.rollup).
    Fifteen minutes because every timezone's midnight falls on such a boundary (offsets
    are multiples of 15 minutes), so local days are whole slots in any timezone.
    Percentiles cannot be rolled up exactly; LatencyBucket keeps latency histograms.
    """

    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.CASCADE, related_name="call_slots"
    )
    slot_start = models.DateTimeField()
    operation = models.CharField(max_length=50)
    result_code = models.CharField(max_length=20)
    result_desc = models.CharField(max_length=200, blank=True)
    is_success = models.BooleanField()
    calls = models.PositiveIntegerField()
    latency_sum_ms = models.FloatField()
    latency_max_ms = models.FloatField()

    class Meta:
        indexes = [
            # Summary of a key over a range (totals, per API, per result code, per day):
            # WHERE api_key = ? AND slot_start >= ? AND slot_start < ?.
            models.Index(fields=["api_key", "slot_start"], name="reports_callslot_key_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.calls} × {self.operation} {self.result_code} at {self.slot_start}"


class LatencyBucket(models.Model):
    """How many of a key's calls fell in one latency bucket, per hour or per UTC day.

    The histograms behind the summary's p50 / p95 (reports.histogram): a bucket spans
    latencies [1.04^b, 1.04^(b+1)) ms, so its midpoint is within 2 % of every latency in
    it. Per (operation, result code, outcome) so that the report filters apply. Hours
    serve the edges of a range, UTC days its middle: a 30-day summary sums a few tens of
    thousands of rows instead of sorting a million latencies. Written by reports.rollup.
    """

    HOUR, DAY = 1, 24

    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.CASCADE, related_name="latency_buckets"
    )
    hours = models.PositiveSmallIntegerField()  # the period's length: HOUR or DAY
    period_start = models.DateTimeField()
    operation = models.CharField(max_length=50)
    result_code = models.CharField(max_length=20)
    is_success = models.BooleanField()
    bucket = models.SmallIntegerField()
    calls = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Latency percentiles of a key over a range: WHERE api_key = ? AND hours = ?
            # AND period_start >= ? AND period_start < ? [AND operation/result filters]
            # GROUP BY bucket; the roll-up's DELETE of the hours and days it recounts.
            # Kept narrow: a first roll-up writes ~260,000 rows per million calls, and an
            # index over every column (for index-only scans) made that ~1.5 times slower
            # without making a month's summary measurably faster.
            models.Index(
                fields=["api_key", "hours", "period_start"],
                name="reports_latbucket_key_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calls} × bucket {self.bucket} at {self.period_start} ({self.hours} h)"


class RollupMark(models.Model):
    """How far a key's calls are rolled up into CallSlot: every call before
    `rolled_until` is counted there, none after."""

    api_key = models.OneToOneField(
        "accounts.ApiKey", on_delete=models.CASCADE, primary_key=True, related_name="rollup_mark"
    )
    rolled_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"calls of {self.api_key} rolled up until {self.rolled_until}"
