from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ApiCallQuerySet(models.QuerySet):
    def for_key(self, api_key) -> ApiCallQuerySet:
        return self.filter(api_key=api_key)

    def between(self, start, end) -> ApiCallQuerySet:
        """Calls with start <= created_at < end (aware datetimes)."""
        return self.filter(created_at__gte=start, created_at__lt=end)


class ApiCall(models.Model):
    """One authenticated gateway call: what reports read (DESIGN.md, "The sandbox gateway").

    Written in the same database transaction as the call's effects.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.PROTECT, related_name="api_calls"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_calls"
    )
    operation = models.CharField(max_length=50, help_text="catalogue slug of the API")
    market = models.CharField(max_length=20)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=200)
    request_body = models.JSONField(default=dict)
    response_body = models.JSONField(default=dict)
    result_code = models.CharField(max_length=20)
    result_desc = models.CharField(max_length=200, blank=True)
    http_status = models.PositiveSmallIntegerField()
    latency_ms = models.FloatField(default=0)
    is_async = models.BooleanField(default=False)
    is_success = models.BooleanField(default=False)
    # Denormalised from the request/response for the report table and filters.
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    msisdn = models.CharField(max_length=32, blank=True)
    transaction_id = models.CharField(max_length=40, blank=True)
    conversation_id = models.CharField(max_length=40, blank=True)
    third_party_conversation_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(db_index=False)

    objects = ApiCallQuerySet.as_manager()

    class Meta:
        indexes = [
            # Reports: every query filters one key and a date range (summary, table,
            # charts, CSV); the table orders by created_at.
            models.Index(fields=["api_key", "created_at"], name="sandbox_apicall_key_created"),
            # Reports filtered by API within a key and date range.
            models.Index(
                fields=["api_key", "operation", "created_at"], name="sandbox_apicall_key_op"
            ),
            # Go Live readiness and the developer's recent calls: a user's calls by time.
            models.Index(fields=["user", "created_at"], name="sandbox_apicall_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.result_code} at {self.created_at:%Y-%m-%d %H:%M:%S}"
