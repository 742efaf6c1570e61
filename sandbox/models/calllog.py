from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

# The result codes that mean success: INS-0, and INS-GAR-0 of the two-stage flow (catalog).
from catalog import SUCCESS_CODES


def request_text(name: str) -> Cast:
    """A request field as text, the one expression both the search indexes below and the
    request log's queries use (an expression index serves only the identical expression;
    the cast also keeps Django from comparing it as JSON)."""
    return Cast(KeyTextTransform(name, "request_body"), models.TextField())


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
    # Header name -> value, in order. The request's without credentials (Authorization is
    # `Bearer …` and its last characters, Cookie is dropped: sandbox.calllog), the
    # answer's as the gateway sent them (sandbox.envelope.answer_headers). NULL: a call
    # logged before headers were kept ("not recorded").
    request_headers = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(null=True, blank=True)
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
            # The request log's search box (dashboard.requestlog.search_probes): an exact
            # ID within one developer's calls, answered from an index whatever the size
            # of the log (bench/requestlog.py measures it over 1,000,000 calls).
            models.Index(fields=["user", "transaction_id"], name="sandbox_apicall_user_txid"),
            models.Index(fields=["user", "conversation_id"], name="sandbox_apicall_user_convid"),
            models.Index(
                fields=["user", "third_party_conversation_id"], name="sandbox_apicall_user_tpcid"
            ),
            models.Index(fields=["user", "msisdn"], name="sandbox_apicall_user_msisdn"),
            # The request log's search by reference: the references are not columns, so
            # these index the very expressions search_probes compares (request_body ->>
            # 'input_TransactionReference' / 'input_ThirdPartyReference').
            models.Index(
                "user",
                request_text("input_TransactionReference"),
                name="sandbox_apicall_user_txref",
            ),
            models.Index(
                "user",
                request_text("input_ThirdPartyReference"),
                name="sandbox_apicall_user_tpref",
            ),
            # A call's permalink page lists the Query Transaction Status calls that named
            # it (dashboard.requestlog.lifecycle_of): request_body ->> 'input_QueryReference'.
            models.Index(
                "user",
                request_text("input_QueryReference"),
                name="sandbox_apicall_user_queryref",
            ),
            # ... and the reversals that named it, refused ones included (those made no
            # Transaction to link them): request_body ->> 'input_TransactionID'.
            models.Index(
                "user",
                request_text("input_TransactionID"),
                name="sandbox_apicall_user_revref",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.result_code} at {self.created_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def build(
        cls,
        *,
        api_key,
        operation: str,
        market: str,
        method: str,
        path: str,
        request_body: dict,
        response_body: dict,
        http_status: int,
        request_headers: dict[str, str] | None = None,
        response_headers: dict[str, str] | None = None,
        latency_ms: float,
        is_async: bool = False,
        amount: Decimal | None = None,
        msisdn: str = "",
        third_party_conversation_id: str = "",
        created_at: datetime | None = None,
    ) -> ApiCall:
        """The one way to make a call-log row (unsaved: the gateway saves it, seed_demo
        bulk-creates many). The result and the ids reports show are read from the answer
        itself, so that every writer derives them alike; lengths are capped to the
        columns, since much of it is what the client sent."""
        code = response_body["output_ResponseCode"]
        transaction_id = response_body.get("output_TransactionID", "")
        return cls(
            api_key=api_key,
            user_id=api_key.user_id,
            operation=operation,
            market=market,
            method=method,
            path=path[:200],
            request_body=request_body,
            response_body=response_body,
            request_headers=request_headers,
            response_headers=response_headers,
            result_code=code,
            result_desc=response_body.get("output_ResponseDesc", "")[:200],
            http_status=http_status,
            latency_ms=round(latency_ms, 3),
            is_async=is_async,
            is_success=code in SUCCESS_CODES,
            amount=amount,
            msisdn=msisdn[:32],
            # "N/A" is what the gateway answers when there is no transaction (reference).
            transaction_id="" if transaction_id == "N/A" else transaction_id[:40],
            conversation_id=response_body.get("output_ConversationID", "")[:40],
            third_party_conversation_id=third_party_conversation_id[:64],
            created_at=created_at or timezone.now(),
        )
