"""The gateway's state: sessions from getSession, transactions, direct-debit mandates.

Identifiers have the shapes seen on the real sandbox (reference §4): TransactionID 12
mixed-case alphanumerics, ConversationID 32 lowercase hex, MandateID numeric.
"""

from __future__ import annotations

import secrets
import string
import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

_ALNUM = string.ascii_letters + string.digits


def new_transaction_id() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(12))


def new_conversation_id() -> str:
    return uuid.uuid4().hex


class SessionQuerySet(models.QuerySet):
    def usable(self, now=None) -> SessionQuerySet:
        """Sessions past their activation delay and not yet expired."""
        now = now or timezone.now()
        return self.filter(active_from__lte=now, expires_at__gt=now)


class Session(models.Model):
    """A session id issued by getSession (reference §3.3).

    Only the digest of the id is stored: the id is a bearer secret, like an API key.
    """

    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.CASCADE, related_name="gateway_sessions"
    )
    digest = models.CharField(max_length=64, unique=True)
    # The market of the getSession URL: in strict mode the session is valid there only
    # (docs/gateway.md, "Applications"). Blank for sessions issued before it was kept.
    market = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    active_from = models.DateTimeField()
    expires_at = models.DateTimeField()

    objects = SessionQuerySet.as_manager()

    class Meta:
        indexes = [
            # Housekeeping: delete expired sessions.
            models.Index(fields=["expires_at"], name="sandbox_session_expires"),
        ]

    def __str__(self) -> str:
        return f"session of {self.api_key} until {self.expires_at:%Y-%m-%d %H:%M}"


class TransactionQuerySet(models.QuerySet):
    def for_user(self, user) -> TransactionQuerySet:
        return self.filter(user=user)

    def find_reference(self, reference: str) -> TransactionQuerySet:
        """Query Transaction Status: TransactionID, ConversationID or the developer's
        ThirdPartyConversationID (reference §5.6)."""
        return self.filter(
            Q(transaction_id=reference)
            | Q(conversation_id=reference)
            | Q(third_party_conversation_id=reference)
        )


class Transaction(models.Model):
    """A money movement the sandbox accepted: a payment (C2B, B2C, B2B, direct-debit
    payment) or a reversal of one (`original` set)."""

    class Status(models.TextChoices):
        # The labels are what Query Transaction Status answers (docs/gateway.md, §13.5).
        COMPLETED = "completed", "Completed"
        PENDING = "pending", "Pending"  # a two-stage payment reserved, not yet committed
        CANCELLED = "cancelled", "Cancelled"  # a two-stage payment released
        FAILED = "failed", "Failed"  # a payment a §9 failure trigger refused (e.g. INS-9)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.PROTECT, related_name="gateway_transactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gateway_transactions"
    )
    operation = models.CharField(max_length=50, help_text="catalogue slug of the API")
    market = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    transaction_id = models.CharField(max_length=12, unique=True, default=new_transaction_id)
    conversation_id = models.CharField(max_length=32, unique=True, default=new_conversation_id)
    third_party_conversation_id = models.CharField(max_length=64)
    # What makes a repeat a duplicate (INS-10): TPCID + the request's own reference.
    dedupe_key = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reversed_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, blank=True)
    msisdn = models.CharField(max_length=32, blank=True)
    # The voucher of a two-stage payment (C2B multi stage, §5.12), named again by
    # Update Transaction Status to commit or release it.
    voucher_code = models.CharField(max_length=12, blank=True)
    original = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    # The session whose bearer made the payment (null: an API-key bearer): the
    # application's per-session limits count these (INS-993, INS-994; sandbox.limits).
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transactions",
        db_index=False,  # served by sandbox_tx_session below
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        constraints = [
            # The duplicate check (INS-10) as an invariant: two concurrent repeats cannot
            # both be accepted.
            models.UniqueConstraint(
                fields=["api_key", "operation", "dedupe_key"], name="sandbox_transaction_dedupe"
            ),
        ]
        indexes = [
            # Query Transaction Status by ThirdPartyConversationID within a user.
            models.Index(
                fields=["user", "third_party_conversation_id"], name="sandbox_tx_user_tpcid"
            ),
            # Per-session limits (sandbox.limits): count and sum of a session's payments.
            models.Index(fields=["session", "created_at"], name="sandbox_tx_session"),
            # Per-customer daily limits (sandbox.limits): count and sum of the payments
            # of one application's keys to one MSISDN within a day.
            models.Index(
                fields=["api_key", "msisdn", "created_at"], name="sandbox_tx_key_msisdn_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.transaction_id} {self.amount} {self.currency}"

    @property
    def is_reversal(self) -> bool:
        return self.original_id is not None

    @property
    def remaining_amount(self) -> Decimal:
        return self.amount - self.reversed_amount


class Mandate(models.Model):
    """A direct-debit mandate (reference §5.7): created once, then used by payments,
    queries and the cancellation."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.PROTECT, related_name="gateway_mandates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gateway_mandates"
    )
    market = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    mandate_id = models.CharField(max_length=12, unique=True)
    third_party_reference = models.CharField(max_length=32)
    third_party_conversation_id = models.CharField(max_length=64)
    transaction_reference = models.CharField(max_length=32, default=new_conversation_id)
    msisdn = models.CharField(max_length=32)
    msisdn_token = models.CharField(max_length=26, unique=True)
    frequency = models.CharField(max_length=2, blank=True)
    first_payment_date = models.DateField(null=True, blank=True)
    start_range_of_days = models.CharField(max_length=2, blank=True)
    end_range_of_days = models.CharField(max_length=2, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_conversation_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            # A business names each live mandate by its own reference.
            models.UniqueConstraint(
                fields=["user", "third_party_reference"],
                condition=Q(status="active"),
                name="sandbox_mandate_one_active_ref",
            ),
        ]
        indexes = [
            # Payment, query and cancel find the mandate by the business's reference.
            models.Index(
                fields=["user", "third_party_reference", "-created_at"],
                name="sandbox_mandate_user_ref",
            ),
        ]

    def __str__(self) -> str:
        return f"mandate {self.mandate_id} ({self.third_party_reference}, {self.status})"

    def is_expired(self, today: date | None = None) -> bool:
        """Past its ExpiryDate (valid through that day, in the portal's time zone)."""
        today = today or timezone.localdate()
        return self.expiry_date is not None and self.expiry_date < today

    @property
    def status_label(self) -> str:
        """What Query Direct Debit answers as output_MandateStatus."""
        if self.status == self.Status.ACTIVE and self.is_expired():
            return "Expired"
        return self.get_status_display()
