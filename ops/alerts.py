"""Alerts for developers, by email, about one of their applications (beat, every few
minutes: ops.tasks.send_developer_alerts).

- Callback failures: a digest of the deliveries that failed since the last digest, with
  the last error and a link to the Callbacks page; at most one per application per hour.
- Error rate: the share of failed calls in the last hour jumped against the same
  application's previous 7 days (enough calls in both); at most one per 6 hours.

Each can be turned off per application (Application.alert_on_callback_failures,
alert_on_error_rate: My Profile's "Alerts" form). DeveloperAlert rows record what was
sent: the latest of a kind is the "last digest".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Application
from callbacks.models import DeliveryAttempt
from ops.models import DeveloperAlert
from sandbox.models import ApiCall

logger = logging.getLogger(__name__)

DIGEST_INTERVAL = timedelta(hours=1)
# Failures older than this are not reported any more (the alerts were off, or beat was).
DIGEST_LOOKBACK = timedelta(hours=24)
DIGEST_MAX_LINES = 20

ERROR_RATE_INTERVAL = timedelta(hours=6)
ERROR_RATE_WINDOW = timedelta(hours=1)
ERROR_RATE_BASELINE = timedelta(days=7)
ERROR_RATE_MIN_CALLS = 20  # in the last hour, and in the baseline week
ERROR_RATE_MIN_JUMP = 0.2  # the share must rise by at least 20 points and double


@dataclass
class FailedDelivery:
    public_id: str
    operation: str
    failures: int
    last_error: str
    last_failed_at: datetime


def last_sent(application: Application, kind: str) -> datetime | None:
    return (
        DeveloperAlert.objects.filter(application=application, kind=kind)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )


def _base_url() -> str:
    return (settings.PUBLIC_BASE_URL or "http://localhost:8000").rstrip("/")


def _send(
    application: Application, kind: str, template: str, context: dict, *, now: datetime
) -> bool:
    user = application.user
    if not user.email:
        return False
    context = {"application": application, "developer": user, **context}
    context["time_zone"] = user.time_zone
    # Dates in the developer's zone and text in their language (the alerts run in beat's
    # tasks, outside any request).
    with (
        timezone.override(ZoneInfo(user.time_zone)),
        translation.override(user.language or settings.LANGUAGE_CODE),
    ):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    try:
        send_mail(prefix + subject, body, None, [user.email])
    except Exception:  # one developer's bad address must not stop the others' alerts
        logger.exception("could not send %s alert for application %s", kind, application.pk)
        return False
    DeveloperAlert.objects.create(
        application=application, kind=kind, sent_at=now, summary=subject[:200]
    )
    return True


# --- Callback failures ----------------------------------------------------------------


def failed_deliveries(application: Application, since: datetime) -> list[FailedDelivery]:
    """The application's deliveries with failed attempts since `since`, latest first."""
    attempts = (
        DeliveryAttempt.objects.filter(
            delivery__application=application, is_success=False, started_at__gt=since
        )
        .select_related("delivery")
        .order_by("-started_at")
    )
    found: dict[int, FailedDelivery] = {}
    for attempt in attempts:
        entry = found.get(attempt.delivery_id)
        if entry is None:
            found[attempt.delivery_id] = FailedDelivery(
                public_id=str(attempt.delivery.public_id),
                operation=attempt.delivery.operation,
                failures=1,
                last_error=attempt.error or f"HTTP {attempt.http_status}",
                last_failed_at=attempt.started_at,
            )
        else:
            entry.failures += 1
    return list(found.values())


def send_callback_failure_digests(now: datetime | None = None) -> int:
    """One digest per application with failed deliveries since its last digest, unless
    it had one within the hour. Returns how many were sent."""
    now = now or timezone.now()
    kind = DeveloperAlert.Kind.CALLBACK_FAILURES
    failing = (
        DeliveryAttempt.objects.filter(is_success=False, started_at__gt=now - DIGEST_LOOKBACK)
        .values_list("delivery__application", flat=True)
        .distinct()
    )
    applications = Application.objects.filter(
        pk__in=failing, alert_on_callback_failures=True
    ).select_related("user")
    sent = 0
    for application in applications:
        last = last_sent(application, kind)
        if last is not None and now - last < DIGEST_INTERVAL:
            continue
        since = max(last or now - DIGEST_INTERVAL, now - DIGEST_LOOKBACK)
        failures = failed_deliveries(application, since)
        if not failures:
            continue
        context = {
            "failures": failures[:DIGEST_MAX_LINES],
            "more": max(len(failures) - DIGEST_MAX_LINES, 0),
            "count": len(failures),
            "last_error": failures[0].last_error,
            "since": since,
            "callbacks_url": _base_url() + reverse("callbacks:delivery-list"),
            "settings_url": _base_url() + reverse("dashboard:profile-integration") + "#alerts",
        }
        sent += _send(application, kind, "alert_callback_failures", context, now=now)
    return sent


# --- Error rate ---------------------------------------------------------------------


def _shares(since: datetime, until: datetime, application_ids=None) -> dict[int, tuple[int, int]]:
    """application id -> (calls, failed calls) between `since` and `until`."""
    calls = ApiCall.objects.filter(created_at__gt=since, created_at__lte=until)
    if application_ids is not None:
        calls = calls.filter(api_key__application__in=application_ids)
    rows = (
        calls.values("api_key__application")
        .annotate(total=Count("pk"), failed=Count("pk", filter=Q(is_success=False)))
        .order_by()
    )
    return {row["api_key__application"]: (row["total"], row["failed"]) for row in rows}


def send_error_rate_alerts(now: datetime | None = None) -> int:
    now = now or timezone.now()
    kind = DeveloperAlert.Kind.ERROR_RATE
    window_start = now - ERROR_RATE_WINDOW
    recent = {
        pk: (total, failed)
        for pk, (total, failed) in _shares(window_start, now).items()
        if total >= ERROR_RATE_MIN_CALLS and failed / total >= ERROR_RATE_MIN_JUMP
    }
    if not recent:
        return 0
    baseline = _shares(window_start - ERROR_RATE_BASELINE, window_start, list(recent))
    sent = 0
    applications = Application.objects.filter(
        pk__in=recent, alert_on_error_rate=True
    ).select_related("user")
    for application in applications:
        total, failed = recent[application.pk]
        base_total, base_failed = baseline.get(application.pk, (0, 0))
        if base_total < ERROR_RATE_MIN_CALLS:
            continue  # no baseline of its own yet
        share, base_share = failed / total, base_failed / base_total
        if share < max(2 * base_share, base_share + ERROR_RATE_MIN_JUMP):
            continue
        last = last_sent(application, kind)
        if last is not None and now - last < ERROR_RATE_INTERVAL:
            continue
        context = {
            "total": total,
            "failed": failed,
            "share": round(100 * share),
            "base_share": round(100 * base_share),
            "base_total": base_total,
            "reports_url": _base_url() + reverse("reports:index"),
            "settings_url": _base_url() + reverse("dashboard:profile-integration") + "#alerts",
        }
        sent += _send(application, kind, "alert_error_rate", context, now=now)
    return sent
