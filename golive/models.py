from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from catalog import MARKETS
from golive.checklist import ITEMS as conformance_items


def document_path(instance, filename: str) -> str:
    """A name nobody guesses and no user input shapes: golive/documents/<uuid>.<ext>."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if extension not in ("pdf", "png", "jpg", "jpeg"):
        extension = "bin"
    return f"golive/documents/{uuid.uuid4().hex}.{extension}"


class GoLiveRequestQuerySet(models.QuerySet):
    def open(self) -> GoLiveRequestQuerySet:
        return self.filter(status__in=GoLiveRequest.OPEN_STATUSES)

    def for_user(self, user) -> GoLiveRequestQuerySet:
        return self.filter(user=user)

    def for_application(self, application) -> GoLiveRequestQuerySet:
        return self.filter(application=application)


class GoLiveRequest(models.Model):
    """A developer's request to go live: an immutable snapshot of what staff review.

    The snapshot (account details, the latest report's summary and rows) is written once,
    at submission; the developer may change their profile or generate new reports
    afterwards, and the reviewer still sees exactly what was sent.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", gettext_lazy("Submitted")
        IN_REVIEW = "in_review", gettext_lazy("In review")
        APPROVED = "approved", gettext_lazy("Approved")
        REJECTED = "rejected", gettext_lazy("Rejected")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")
        CHANGES_REQUESTED = "changes_requested", gettext_lazy("Changes requested")
        REVOKED = "revoked", gettext_lazy("Revoked")

    # "Open": waiting for a decision. One open request per application (constraint below):
    # the real platform "sends the application for review" (reference §1).
    OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="golive_requests"
    )
    # The application sent for review. PROTECT: a reviewed application is a record (and
    # an approved one is locked); it is not deleted from under its requests.
    application = models.ForeignKey(
        "accounts.Application", on_delete=models.PROTECT, related_name="golive_requests"
    )
    # The report that was sent; the snapshot is the record, this is only a pointer (a
    # report deleted later leaves the request intact).
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="golive_requests",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    snapshot = models.JSONField(default=dict)
    reason = models.TextField("reason for rejection", blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    review_started_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="golive_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # "Request changes": what the reviewer asks the developer to fix.
    changes_requested = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="golive_revocations",
    )
    # The business details as the developer gave them (also in the snapshot).
    business_details = models.JSONField(default=dict, blank=True)
    # Documents: private, served only by golive.views.document (owner or reviewer).
    incorporation_certificate = models.FileField(
        upload_to=document_path, max_length=200, blank=True
    )
    director_id = models.FileField(upload_to=document_path, max_length=200, blank=True)
    # The live key issued on approval (its plaintext is shown on My Profile).
    live_api_key = models.ForeignKey(
        "accounts.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="golive_requests",
    )

    objects = GoLiveRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "Go Live request"
        permissions = [("review_golive", "Can review and decide Go Live requests")]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["submitted", "in_review"]),
                name="golive_goliverequest_one_open_per_app",
            ),
        ]
        indexes = [
            # The admin's list: filtered by status, newest first.
            models.Index(fields=["status", "-submitted_at"], name="golive_request_status_sub"),
            # The developer's tracker and history: their requests, newest first.
            models.Index(fields=["user", "-submitted_at"], name="golive_request_user_sub"),
            # The Go Live page of one application: its requests, newest first.
            models.Index(fields=["application", "-submitted_at"], name="golive_request_app_sub"),
        ]

    def __str__(self) -> str:
        return f"Go Live request of {self.user} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        # The snapshot is the record of what was sent: once stored, only the review
        # fields change, always through save(update_fields=[...]) in golive.services.
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and (update_fields is None or "snapshot" in update_fields):
            raise ValueError("a Go Live request's snapshot is immutable: save(update_fields=...)")
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.status in (
            self.Status.APPROVED,
            self.Status.REJECTED,
            self.Status.CHANGES_REQUESTED,
            self.Status.REVOKED,
        )


class GoLiveComment(models.Model):
    """A message of the thread between staff and the developer on one request."""

    request = models.ForeignKey(GoLiveRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"comment by {'staff' if self.from_staff else 'developer'} on {self.request_id}"


class ConformanceRequirement(models.Model):
    """Whether a conformance item (golive.checklist.ITEMS) is required of applications
    working in a market. Without a row, an item is required."""

    market = models.CharField(max_length=20, choices=[(m.slug, m.name) for m in MARKETS.values()])
    item = models.CharField(max_length=40, choices=list(conformance_items.items()))
    required = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["market", "item"], name="golive_conformance_unique")
        ]
        ordering = ("market", "item")

    def __str__(self) -> str:
        return f"{self.market}: {self.item} ({'required' if self.required else 'optional'})"


class ReceiverCheck(models.Model):
    """One run of the receiver conformance probe (golive.probe) against an application's
    Asynchronous Response URL: its verdict and every request and answer as evidence."""

    application = models.ForeignKey(
        "accounts.Application", on_delete=models.CASCADE, related_name="receiver_checks"
    )
    url = models.URLField(max_length=500)
    passed = models.BooleanField(default=False)
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["application", "-created_at"], name="golive_rcheck_app_created")
        ]

    def __str__(self) -> str:
        return f"receiver check of {self.application} ({'passed' if self.passed else 'failed'})"
