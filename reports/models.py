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
