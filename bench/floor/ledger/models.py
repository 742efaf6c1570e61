"""The two rows of a C2B call, with the columns, uniques and indexes of the portal's
sandbox Transaction and ApiCall (foreign keys as plain integers: the floor has no
accounts)."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone


def _transaction_id() -> str:
    return secrets.token_hex(6).upper()


def _conversation_id() -> str:
    return secrets.token_hex(16)


class Payment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True)
    api_key_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    operation = models.CharField(max_length=50)
    market = models.CharField(max_length=20)
    status = models.CharField(max_length=20, default="completed")
    transaction_id = models.CharField(max_length=12, unique=True, default=_transaction_id)
    conversation_id = models.CharField(max_length=32, unique=True, default=_conversation_id)
    third_party_conversation_id = models.CharField(max_length=64)
    dedupe_key = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reversed_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    currency = models.CharField(max_length=3, blank=True)
    msisdn = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key_id", "operation", "dedupe_key"], name="floor_payment_dedupe"
            )
        ]
        indexes = [
            models.Index(fields=["user_id", "third_party_conversation_id"], name="floor_tpcid")
        ]

    def __str__(self) -> str:
        return self.transaction_id


class CallLog(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True)
    api_key_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    operation = models.CharField(max_length=50)
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
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    msisdn = models.CharField(max_length=32, blank=True)
    transaction_id = models.CharField(max_length=40, blank=True)
    conversation_id = models.CharField(max_length=40, blank=True)
    third_party_conversation_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["api_key_id", "created_at"], name="floor_call_key_created"),
            models.Index(fields=["api_key_id", "operation", "created_at"], name="floor_call_op"),
            models.Index(fields=["user_id", "created_at"], name="floor_call_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.result_code}"
