"""`mpesa_portal_sdk listen`: the portal's side (docs/callbacks.md, "Forwarding to
localhost"). The HTTP endpoints (bearer authentication) are sandbox/listen.py; this
module claims deliveries for a listener and records what its local URL answered.

While a listener of an application polled within CALLBACK_LISTENER_TTL_SECONDS, the
worker leaves that application's deliveries alone (delivery.listener_connected) and the
listener's polls take them, one listener per delivery: the claim is the same
`claimed_until` lease a worker takes, taken with a conditional UPDATE, so two listeners
(or a listener and a worker) never get the same attempt. A listener that disconnects
mid-delivery never reports: its lease expires, the attempt is logged as lost, and the
delivery goes to the next poll or, once no listener is connected, to the URL (the sweep).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from callbacks.delivery import (
    INJECTED_FAILURE,
    INJECTED_FAILURE_ERROR,
    RESPONSE_EXCERPT_CHARS,
    AttemptOutcome,
    acknowledged_code,
    injected_first_failure,
    record_attempt,
    record_lost_attempt,
    signed_request,
)
from callbacks.models import CallbackDelivery, CallbackSettings
from callbacks.signing import get_signing_secret

# How often a waiting poll looks for a delivery (one indexed query each time).
POLL_INTERVAL_SECONDS = 0.5
# How often a waiting poll renews the listener's presence (one UPDATE).
TOUCH_INTERVAL_SECONDS = 5.0


class ListenerReportRefused(Exception):
    """The report does not match a delivery this listener holds (unknown, already
    recorded, or its lease expired and another attempt began)."""


def touch(application) -> None:
    """Record that a listener of `application` is connected now."""
    updated = CallbackSettings.objects.filter(application=application).update(
        listener_seen_at=timezone.now()
    )
    if not updated:
        CallbackSettings.objects.get_or_create(
            application=application, defaults={"listener_seen_at": timezone.now()}
        )


def disconnect(application) -> None:
    """A listener that stops cleanly: its application's deliveries go to the URL again."""
    CallbackSettings.objects.filter(application=application).update(listener_seen_at=None)


def _free(now) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def claim_next(application) -> CallbackDelivery | None:
    """Take the application's next due delivery for a listener, or None."""
    while True:
        now = timezone.now()
        with transaction.atomic():
            candidates = CallbackDelivery.objects.filter(
                application=application,
                status=CallbackDelivery.Status.PENDING,
                next_attempt_at__lte=now,
            ).filter(_free(now))
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            row = candidates.select_related("user").order_by("next_attempt_at", "pk").first()
            if row is None:
                return None
            record_lost_attempt(row)
            lease = now + timedelta(seconds=settings.CALLBACK_LISTENER_LEASE_SECONDS)
            # Conditional: on a database without row locks (SQLite) the first UPDATE wins.
            won = (
                CallbackDelivery.objects.filter(pk=row.pk, attempt_count=row.attempt_count)
                .filter(_free(now))
                .update(
                    attempt_count=F("attempt_count") + 1,
                    claimed_until=lease,
                    url=row.current_url(),
                )
            )
        if not won:
            continue
        row.refresh_from_db()
        if injected_first_failure(row):
            record_attempt(
                row,
                AttemptOutcome(
                    started_at=now, error=INJECTED_FAILURE_ERROR, injected=INJECTED_FAILURE
                ),
            )
            continue
        return row


def wait_for_next(application, wait: float) -> CallbackDelivery | None:
    """Long poll: the next delivery, waiting up to `wait` seconds for one.

    Costs one thread of the web server for up to `wait` seconds and one indexed query
    every POLL_INTERVAL_SECONDS (docs/callbacks.md, "What a listener costs").
    """
    deadline = time.monotonic() + wait
    touched = time.monotonic()
    touch(application)
    while True:
        row = claim_next(application)
        if row is not None:
            return row
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        time.sleep(min(POLL_INTERVAL_SECONDS, remaining))
        if time.monotonic() - touched >= TOUCH_INTERVAL_SECONDS:
            touch(application)
            touched = time.monotonic()


def message(delivery: CallbackDelivery) -> dict[str, Any]:
    """What the listener gets: the delivery, and the exact request to forward."""
    body, headers = signed_request(delivery, get_signing_secret(delivery.user).secret)
    return {
        "id": delivery.delivery_id,
        "attempt": delivery.attempt_count,
        "operation": delivery.operation,
        "is_test": delivery.is_test,
        "headers": headers,
        "body": body.decode(),
    }


def report(
    application,
    public_id,
    *,
    attempt: int,
    status: int | None,
    body: str = "",
    duration_ms: float = 0.0,
    error: str = "",
    url: str = "",
) -> str:
    """Record the local URL's answer to a delivery a listener took; returns its status."""
    with transaction.atomic():
        row = (
            CallbackDelivery.objects.select_for_update()
            .filter(application=application, public_id=public_id)
            .first()
        )
        if (
            row is None
            or row.status != CallbackDelivery.Status.PENDING
            or row.claimed_until is None
            or row.attempt_count != attempt
        ):
            raise ListenerReportRefused("No such delivery is waiting for this listener's answer.")
    duration_ms = max(0.0, min(float(duration_ms), 3_600_000.0))
    outcome = AttemptOutcome(
        started_at=timezone.now() - timedelta(milliseconds=duration_ms),
        duration_ms=duration_ms,
        http_status=status,
        error=error,
        response_excerpt=body[:RESPONSE_EXCERPT_CHARS],
        acknowledged_code=acknowledged_code(body),
        via_listener=True,
        url=("listen → " + url)[:500] if url else "listen",
    )
    if not outcome.is_success and not outcome.error:
        outcome.error = f"HTTP {status}: the local receiver must answer with a 2xx status."
    return record_attempt(row, outcome)
