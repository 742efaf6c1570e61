"""The callback outbox (DESIGN.md, "Async callbacks"): one row per asynchronous result,
written in the same transaction as the call, one row per delivery attempt, and each
developer's signing secret.

These models were the sandbox app's until issue 12: they keep its tables, index and
constraint names (`db_table`, the `sandbox_` names), so moving them changed no row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts import crypto


class CallbackSigningSecret(models.Model):
    """A developer's HMAC-SHA256 key for callback signatures, encrypted at rest.

    Created the first time it is needed (first callback or first view of My Profile);
    rotation replaces it at once (docs/callbacks.md).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="callback_signing_secret"
    )
    secret_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "sandbox_callbacksigningsecret"
        verbose_name = "callback signing secret"

    def __str__(self) -> str:
        return f"callback signing secret of {self.user}"

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)


class CallbackDeliveryQuerySet(models.QuerySet):
    def for_user(self, user) -> CallbackDeliveryQuerySet:
        return self.filter(user=user)

    def due(self, before) -> CallbackDeliveryQuerySet:
        """Pending deliveries whose next attempt was due at `before` and that no worker
        holds right now (what the sweep re-enqueues)."""
        return self.filter(
            status=CallbackDelivery.Status.PENDING, next_attempt_at__lte=before
        ).filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=timezone.now()))


class CallbackDelivery(models.Model):
    """One asynchronous result to POST to the developer's Asynchronous Response URL.

    `public_id` is also the delivery id sent in `X-Mpesa-Delivery-Id`: it stays the same
    across retries and redeliveries, so a listener can drop duplicates.
    """

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        DELIVERED = "delivered", gettext_lazy("Delivered")
        FAILED = "failed", gettext_lazy("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="callback_deliveries"
    )
    # Nullable: a delivery outlives a purged call log row, and services may defer a
    # result before (or without) logging the call.
    # The application whose Asynchronous Response URL receives it (a fixed URL is
    # followed on retries and redeliveries); null only for rows older than applications
    # that had no owner left to migrate to.
    application = models.ForeignKey(
        "accounts.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="callback_deliveries",
    )
    api_call = models.ForeignKey(
        "sandbox.ApiCall",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callback_deliveries",
    )
    operation = models.CharField(max_length=50, help_text=gettext_lazy("catalogue slug of the API"))
    conversation_id = models.CharField(max_length=40, blank=True)
    url = models.URLField(max_length=500)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    # A redelivery grants one more attempt beyond the ones already made.
    max_attempts = models.PositiveSmallIntegerField()
    next_attempt_at = models.DateTimeField()
    # Set while a worker is posting: a second copy of the task (sweep, broker
    # redelivery) sees the claim and leaves the row alone. Expires on its own if the
    # worker dies mid-request, and the sweep then picks the row up again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    acknowledged_code = models.CharField(
        max_length=40,
        blank=True,
        help_text=gettext_lazy("output_ResponseCode of the listener's answer"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A sample sent with "Send test callback": no call behind it.
    is_test = models.BooleanField(default=False)
    # The faults injected into this delivery (CallbackSettings, fixed when it was
    # written): {"delay": s, "shuffle": s, "fail_first": bool, "duplicate": bool}.
    faults = models.JSONField(default=dict, blank=True)

    objects = CallbackDeliveryQuerySet.as_manager()

    class Meta:
        db_table = "sandbox_callbackdelivery"
        verbose_name_plural = "callback deliveries"
        indexes = [
            # The sweep: pending rows whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"], name="sandbox_cbdelivery_sweep"),
            # The Callbacks page: a developer's deliveries, newest first.
            models.Index(fields=["user", "-created_at"], name="sandbox_cbdelivery_user"),
            # A worker's batch claim and a listener's claim: an application's pending
            # rows in the order they fall due (the delivered history is not indexed).
            models.Index(
                fields=["application", "next_attempt_at"],
                condition=models.Q(status="pending"),
                name="callbacks_delivery_app_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} callback {self.public_id} ({self.status})"

    def current_url(self) -> str:
        """Where the next attempt goes: the application's Asynchronous Response URL as
        it is now (a developer who fixes a broken URL gets the pending retries there), or
        the URL the delivery was made for when it has been cleared (back to synchronous:
        the results already accepted are still delivered)."""
        application = self.application
        return (application.async_response_url if application else "") or self.url

    @property
    def delivery_id(self) -> str:
        return str(self.public_id)

    @property
    def latest_attempt(self) -> DeliveryAttempt | None:
        """The last attempt; uses prefetched attempts when the list page prefetched them."""
        attempts = list(self.attempts.all())
        return max(attempts, key=lambda a: a.number) if attempts else None

    @property
    def is_in_flight(self) -> bool:
        return self.claimed_until is not None and self.claimed_until > timezone.now()

    @property
    def fault_labels(self) -> list[str]:
        """The injected faults in words, for the delivery log."""
        faults = self.faults or {}
        labels = []
        if faults.get("delay"):
            labels.append(f"delayed {faults['delay']:g} s")
        if faults.get("shuffle") is not None:
            labels.append(f"shuffled (held {faults['shuffle']:.1f} s)")
        if faults.get("fail_first"):
            labels.append("first attempt failed")
        if faults.get("duplicate"):
            labels.append("delivered twice")
        return labels


class DeliveryAttempt(models.Model):
    """One POST of a delivery to the listener, successful or not."""

    delivery = models.ForeignKey(
        CallbackDelivery, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    url = models.URLField(max_length=500)
    started_at = models.DateTimeField()
    duration_ms = models.FloatField(default=0)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    is_success = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.TextField(blank=True)
    # Set when fault injection made this attempt (docs/callbacks.md): what was injected.
    injected = models.CharField(max_length=200, blank=True)
    # Made by `mpesa_portal_sdk listen` (its answer reported back), not by a worker.
    via_listener = models.BooleanField(default=False)

    class Meta:
        db_table = "sandbox_deliveryattempt"
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="sandbox_deliveryattempt_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.http_status or self.error}"


class CallbackSettings(models.Model):
    """The callback tools of one application: fault injection (all off by default) and
    the presence of a `listen` process (docs/callbacks.md)."""

    MAX_DELAY_SECONDS = 300

    application = models.OneToOneField(
        "accounts.Application", on_delete=models.CASCADE, related_name="callback_settings"
    )
    delay_seconds = models.PositiveSmallIntegerField(
        gettext_lazy("Delay every delivery by (seconds)"),
        default=0,
        validators=[MaxValueValidator(MAX_DELAY_SECONDS)],
    )
    duplicate = models.BooleanField(gettext_lazy("Deliver every callback twice"), default=False)
    fail_first = models.BooleanField(
        gettext_lazy("Fail the first attempt (forces a retry)"), default=False
    )
    shuffle = models.BooleanField(gettext_lazy("Deliver in a shuffled order"), default=False)
    # The last poll of a `listen` process: while recent, deliveries go to the listener.
    listener_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "callback settings"
        verbose_name_plural = "callback settings"

    def __str__(self) -> str:
        return f"callback settings of {self.application_id}"

    @property
    def any_fault(self) -> bool:
        return bool(self.delay_seconds or self.duplicate or self.fail_first or self.shuffle)
