"""Delivery: claim due outbox rows, POST each signed to the address checked by
`netguard.ssrf` (callbacks.transport, over kept-alive connections), record the attempts,
and schedule retries with exponential backoff until `max_attempts`, after which a row
is failed.

A task claims a batch: its own row and up to CALLBACK_BATCH_SIZE - 1 other due rows of
the same application, in one transaction (`SELECT ... FOR UPDATE SKIP LOCKED` on
PostgreSQL; on SQLite the transaction holds the write lock from its BEGIN IMMEDIATE),
under one lease (`claimed_until`). It posts them in turn and records every attempt in one
more transaction. The message of a row that another task took finds it claimed or done
and claims whatever else of its application is due. Before each POST after the first
the task checks that the lease still covers a whole attempt; rows it cannot post in
time are handed back (released unattempted) and one message is enqueued for them.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from callbacks import outbox, transport
from callbacks.models import (
    CallbackDelivery,
    CallbackSettings,
    CallbackSigningSecret,
    DeliveryAttempt,
)
from callbacks.signing import get_signing_secret, sign, standard_signature
from netguard import ssrf
from telemetry import metrics

logger = logging.getLogger(__name__)

DELIVERY_ID_HEADER = "X-Mpesa-Delivery-Id"
TIMESTAMP_HEADER = "X-Mpesa-Timestamp"
SIGNATURE_HEADER = "X-Mpesa-Signature"
ATTEMPT_HEADER = "X-Mpesa-Attempt"
# Standard Webhooks (https://www.standardwebhooks.com/): the same id and timestamp.
WEBHOOK_ID_HEADER = "webhook-id"
WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp"
WEBHOOK_SIGNATURE_HEADER = "webhook-signature"
TEST_HEADER = "X-Mpesa-Test"
USER_AGENT = "MPesa-Sandbox-Callbacks/1.0"
RESPONSE_EXCERPT_CHARS = 1000
# Retries due sooner than this are enqueued with a countdown; later ones are left to the
# sweep. A message held for hours by a worker is fragile (Redis hands an unacknowledged
# message to another worker after the visibility timeout, 1 h), the outbox row is not.
MAX_COUNTDOWN_SECONDS = 900


@dataclass
class AttemptOutcome:
    started_at: Any
    duration_ms: float = 0.0
    http_status: int | None = None
    error: str = ""
    response_excerpt: str = ""
    acknowledged_code: str = ""
    injected: str = ""  # what fault injection did to this attempt, if anything
    via_listener: bool = False  # reported by a `listen` process
    url: str = ""  # where it went, when not the delivery's URL (a listener's local URL)
    # What was sent and answered, for evidence (the Go Live receiver probe keeps them).
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_success(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


def backoff_seconds(failed_attempts: int) -> float:
    """Wait after the n-th failed attempt: base * 4**(n-1), capped, with ±20% jitter.

    With the defaults (30 s, cap 12 h, 8 attempts) the waits are about 30 s, 2 min,
    8 min, 32 min, 2 h, 8.5 h and 12 h: the eighth attempt is about a day after the first.
    The jitter spreads retries of many deliveries that failed together (a listener
    outage) so they do not all return at the same second.
    """
    base = settings.CALLBACK_BACKOFF_BASE_SECONDS * 4 ** max(failed_attempts - 1, 0)
    capped = min(base, settings.CALLBACK_BACKOFF_MAX_SECONDS)
    return capped * random.uniform(0.8, 1.2)


def _lease_seconds() -> float:
    # Connect + read timeouts of one attempt plus room for the bookkeeping on either side.
    return 3 * settings.CALLBACK_TIMEOUT_SECONDS + settings.CALLBACK_CLAIM_MARGIN_SECONDS


@dataclass
class _Claim:
    """What one task took: rows claimed under one lease, in the order to post them (the
    task's own row first), or nothing, because a listener takes them (`listener`)."""

    rows: list[CallbackDelivery]
    lease: datetime | None = None
    listener: bool = False


def _candidates_sql(*, skip_locked: bool) -> str:
    """The rows a task for delivery %(pk)s may claim, locked (on PostgreSQL), with the
    presence of the application's listener.

    Written out rather than built with the ORM: every message runs it, most of them find
    nothing when a backlog drains (other tasks took their rows in batches), and the
    ORM's compilation of this query cost several times its execution.
    """
    deliveries = CallbackDelivery._meta.db_table
    return f"""
        SELECT d.id, EXISTS (
            SELECT 1 FROM {CallbackSettings._meta.db_table} s
            WHERE s.application_id = d.application_id AND s.listener_seen_at >= %(since)s
        )
        FROM {deliveries} d
        WHERE d.status = %(pending)s
          AND (d.claimed_until IS NULL OR d.claimed_until < %(now)s)
          AND (
            -- The task's own row: a countdown message may come up to a second early.
            (d.id = %(pk)s AND d.next_attempt_at <= %(soon)s)
            -- The due rows of its application (index callbacks_delivery_app_due).
            OR (
              d.application_id = (SELECT o.application_id FROM {deliveries} o WHERE o.id = %(pk)s)
              AND d.next_attempt_at <= %(now)s
            )
          )
        ORDER BY CASE WHEN d.id = %(pk)s THEN 0 ELSE 1 END, d.next_attempt_at, d.id
        LIMIT %(limit)s
        {"FOR UPDATE OF d SKIP LOCKED" if skip_locked else ""}
    """  # noqa: S608 (table names from the models; every value is a parameter)


def _claim_batch(pk: int) -> _Claim:
    """Take the row `pk` and up to CALLBACK_BATCH_SIZE - 1 other due rows of its
    application for one attempt each; none when a `listen` process of the application
    takes its deliveries. The row `pk` is skipped when it is delivered, failed, gone,
    held by another worker, or not due yet (an early duplicate of a countdown message).
    """
    now = timezone.now()
    lease = now + timedelta(seconds=_lease_seconds())
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "pk": pk,
        "pending": CallbackDelivery.Status.PENDING.value,
        "now": adapt(now),
        "soon": adapt(now + timedelta(seconds=1)),
        "since": adapt(now - timedelta(seconds=settings.CALLBACK_LISTENER_TTL_SECONDS)),
        "limit": settings.CALLBACK_BATCH_SIZE,
    }
    # On PostgreSQL rows another worker is claiming right now are left to it, not waited
    # for; on SQLite this transaction holds the write lock from its BEGIN IMMEDIATE.
    sql = _candidates_sql(skip_locked=connection.features.has_select_for_update_skip_locked)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if not found:
            return _Claim([])
        if found[0][1]:
            # The listener's next poll takes them; if the listener goes away the sweep
            # enqueues them again and they go to the URL. (All rows are of one application.)
            return _Claim([], listener=True)
        order = [row_id for row_id, _ in found]
        loaded = CallbackDelivery.objects.select_related(
            # The application: current_url() reads its Asynchronous Response URL below;
            # the developer's signing secret: each attempt is signed with it.
            "user",
            "application",
            "user__callback_signing_secret",
        ).in_bulk(order)
        rows = [loaded[row_id] for row_id in order if row_id in loaded]
        by_url: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            record_lost_attempt(row)
            row.attempt_count += 1
            row.claimed_until = lease
            # A developer who fixes a broken URL gets the pending retries at the new one;
            # a cleared URL (back to synchronous) still receives the results already
            # accepted.
            row.url = row.current_url()
            by_url[row.url].append(row.pk)
        for url, pks in by_url.items():  # one UPDATE: an application has one URL
            CallbackDelivery.objects.filter(pk__in=pks).update(
                attempt_count=F("attempt_count") + 1, claimed_until=lease, url=url
            )
    return _Claim(rows, lease)


LOST_ATTEMPT_ERROR = (
    "No result: the claim expired (the worker or the listener that held it went away)."
)


def record_lost_attempt(delivery: CallbackDelivery) -> None:
    """Log the attempt of an expired claim, which never reported (a worker killed
    mid-request, a `listen` process that disconnected mid-delivery), so the log shows
    every attempt. Call with the row locked, before taking a new claim."""
    if delivery.claimed_until is None or delivery.attempt_count == 0:
        return
    DeliveryAttempt.objects.get_or_create(
        delivery=delivery,
        number=delivery.attempt_count,
        defaults={
            "url": delivery.url,
            "started_at": delivery.claimed_until,
            "error": LOST_ATTEMPT_ERROR,
        },
    )


def listener_connected(application_id: int | None) -> bool:
    """Whether a `listen` process of the application polled recently: its deliveries
    then go to the listener, not to the URL (docs/callbacks.md, "Precedence")."""
    if application_id is None:
        return False
    since = timezone.now() - timedelta(seconds=settings.CALLBACK_LISTENER_TTL_SECONDS)
    return CallbackSettings.objects.filter(
        application_id=application_id, listener_seen_at__gte=since
    ).exists()


def _signing_secret(delivery: CallbackDelivery) -> str:
    """The developer's signing secret, loaded with the claim (created if there is none)."""
    try:
        return delivery.user.callback_signing_secret.secret
    except CallbackSigningSecret.DoesNotExist:
        return get_signing_secret(delivery.user).secret


def _post(delivery: CallbackDelivery, secret: str) -> AttemptOutcome:
    outcome = AttemptOutcome(started_at=timezone.now())
    start = time.perf_counter()
    try:
        # Every attempt: the URL may resolve elsewhere now, or the settings have changed.
        resolved = ssrf.resolve_callback_url(delivery.url)
    except ssrf.UnsafeCallbackUrl as exc:
        outcome.error = f"Refused: {exc}"
        return outcome
    body, headers = signed_request(delivery, secret)
    headers["Host"] = resolved.host_header
    outcome.request_headers = dict(headers)
    try:
        answer = transport.post(resolved, body, headers)
    except transport.TransportError as exc:
        outcome.error = str(exc)
    else:
        outcome.http_status = answer.status
        outcome.response_headers = answer.headers
        text = answer.body.decode("utf-8", errors="replace")
        outcome.response_excerpt = text[:RESPONSE_EXCERPT_CHARS]
        outcome.acknowledged_code = acknowledged_code(text)
        if not outcome.is_success:
            outcome.error = f"HTTP {answer.status}: the listener must answer with a 2xx status."
    outcome.duration_ms = (time.perf_counter() - start) * 1000
    return outcome


def post(delivery: CallbackDelivery, secret: str) -> AttemptOutcome:
    """One signed POST of `delivery` (saved or not) through the SSRF guard, unrecorded:
    the worker records it; the Go Live receiver probe (golive.probe) keeps it as evidence."""
    return _post(delivery, secret)


def signed_request(delivery: CallbackDelivery, secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt, signed both ways (docs/callbacks.md); the
    same for a POST by a worker and for a `listen` process that forwards it."""
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        DELIVERY_ID_HEADER: delivery.delivery_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: "sha256=" + sign(secret, delivery.delivery_id, timestamp, body),
        ATTEMPT_HEADER: str(delivery.attempt_count),
        WEBHOOK_ID_HEADER: delivery.delivery_id,
        WEBHOOK_TIMESTAMP_HEADER: timestamp,
        WEBHOOK_SIGNATURE_HEADER: standard_signature(secret, delivery.delivery_id, timestamp, body),
    }
    if delivery.is_test:
        headers[TEST_HEADER] = "1"
    return body, headers


def acknowledged_code(text: str) -> str:
    """The listener's `output_ResponseCode` (§6.2: "0"), when it sent one."""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    if isinstance(data, dict) and data.get("output_ResponseCode") is not None:
        return str(data["output_ResponseCode"])[:40]
    return ""


def _record(
    results: Sequence[tuple[CallbackDelivery, AttemptOutcome]],
    *,
    handed_back: Iterable[CallbackDelivery] = (),
) -> dict[int, str]:
    """Record attempts made under claims (a worker's batch, a listener's lease) in one
    transaction: the attempt rows in one INSERT, the delivered rows in one UPDATE (per
    acknowledgement code), the failed ones with their backoff in one more; the rows of
    `handed_back` (claimed, not attempted) are released for the next message, which is
    enqueued after the commit.

    Each delivery carries the claim it was attempted under (`attempt_count`,
    `claimed_until`). A row whose claim was lost meanwhile (it expired and another
    attempt began, which logged this one as lost) is left as it is.
    Returns the status afterwards of each row whose attempt was recorded.
    """
    handed_back = list(handed_back)
    now = timezone.now()
    statuses: dict[int, str] = {}
    with transaction.atomic():
        current = {
            pk: (attempt_count, claimed_until, status, max_attempts)
            for pk, attempt_count, claimed_until, status, max_attempts in (
                CallbackDelivery.objects.select_for_update()
                .filter(pk__in=[d.pk for d, _ in results] + [d.pk for d in handed_back])
                .order_by("pk")
                .values_list("pk", "attempt_count", "claimed_until", "status", "max_attempts")
            )
        }

        def held(delivery: CallbackDelivery) -> bool:
            now_row = current.get(delivery.pk)
            return (
                now_row is not None
                and delivery.claimed_until is not None
                and now_row[:3]
                == (delivery.attempt_count, delivery.claimed_until, CallbackDelivery.Status.PENDING)
            )

        attempts = []
        delivered: dict[str, list[int]] = defaultdict(list)
        failed = []
        for delivery, outcome in results:
            if not held(delivery):
                logger.warning(
                    "callback %s attempt %s: its claim was lost; the attempt is not recorded",
                    delivery.public_id,
                    delivery.attempt_count,
                )
                continue
            attempts.append(
                DeliveryAttempt(
                    delivery_id=delivery.pk,
                    number=delivery.attempt_count,
                    url=outcome.url or delivery.url,
                    started_at=outcome.started_at,
                    duration_ms=outcome.duration_ms,
                    http_status=outcome.http_status,
                    is_success=outcome.is_success,
                    error=outcome.error[:500],
                    response_excerpt=outcome.response_excerpt,
                    injected=outcome.injected,
                    via_listener=outcome.via_listener,
                )
            )
            delivery.claimed_until = None
            if outcome.is_success:
                delivery.status = CallbackDelivery.Status.DELIVERED
                delivery.delivered_at = now
                delivery.acknowledged_code = outcome.acknowledged_code
                delivery.last_error = ""
                delivered[outcome.acknowledged_code].append(delivery.pk)
            else:
                delivery.last_error = outcome.error[:500]
                if delivery.attempt_count >= current[delivery.pk][3]:
                    delivery.status = CallbackDelivery.Status.FAILED
                else:
                    delay = backoff_seconds(delivery.attempt_count)
                    delivery.next_attempt_at = now + timedelta(seconds=delay)
                    if delay <= MAX_COUNTDOWN_SECONDS:
                        outbox.enqueue_on_commit(delivery.pk, countdown=delay)
                failed.append(delivery)
            statuses[delivery.pk] = delivery.status
        DeliveryAttempt.objects.bulk_create(attempts)
        for code, pks in delivered.items():
            CallbackDelivery.objects.filter(pk__in=pks).update(
                status=CallbackDelivery.Status.DELIVERED,
                delivered_at=now,
                acknowledged_code=code,
                last_error="",
                claimed_until=None,
            )
        if failed:
            CallbackDelivery.objects.bulk_update(
                failed, ["status", "last_error", "next_attempt_at", "claimed_until"]
            )
        released = [d.pk for d in handed_back if held(d)]
        if released:
            CallbackDelivery.objects.filter(pk__in=released).update(
                attempt_count=F("attempt_count") - 1, claimed_until=None
            )
            # Their own messages may have come and gone while this task held them.
            outbox.enqueue_on_commit(released[0])
    return statuses


def record_attempt(delivery: CallbackDelivery, outcome: AttemptOutcome) -> str:
    """Record an attempt made elsewhere (a `listen` process) like a worker's own;
    returns the delivery's status afterwards."""
    recorded = _record([(delivery, outcome)])
    if delivery.pk in recorded:
        return recorded[delivery.pk]
    status = CallbackDelivery.objects.filter(pk=delivery.pk).values_list("status", flat=True)
    return status.first() or ""


def attempt_delivery(pk: int) -> str:
    """One delivery attempt of the outbox row `pk`, and of the other due rows of its
    application claimed with it (module docstring); safe to run twice or concurrently.

    Returns the row's status afterwards, "listener" when a connected `listen` process
    takes the application's deliveries, or "skipped" when this task did not attempt it.
    """
    claim = _claim_batch(pk)
    if claim.listener:
        return "listener"
    if not claim.rows or claim.lease is None:
        return "skipped"
    # A POST starts only while the lease still covers a whole attempt and half the margin
    # for the record; the first always does (the lease was just taken).
    last_start = claim.lease - timedelta(
        seconds=3 * settings.CALLBACK_TIMEOUT_SECONDS + settings.CALLBACK_CLAIM_MARGIN_SECONDS / 2
    )
    secrets: dict[int, str] = {}
    results: list[tuple[CallbackDelivery, AttemptOutcome]] = []
    handed_back: list[CallbackDelivery] = []
    for i, delivery in enumerate(claim.rows):
        if i and timezone.now() > last_start:
            handed_back = claim.rows[i:]
            break
        if delivery.user_id not in secrets:
            secrets[delivery.user_id] = _signing_secret(delivery)
        if injected_first_failure(delivery):
            outcome = AttemptOutcome(
                started_at=timezone.now(),
                error=INJECTED_FAILURE_ERROR,
                injected=INJECTED_FAILURE,
            )
        else:
            outcome = _post(delivery, secrets[delivery.user_id])
        results.append((delivery, outcome))
    statuses = _record(results, handed_back=handed_back)
    for delivery, outcome in results:
        status = statuses.get(delivery.pk)
        if status is None:
            continue  # its claim was lost: nothing recorded (logged above)
        if status == CallbackDelivery.Status.DELIVERED and (delivery.faults or {}).get("duplicate"):
            _deliver_duplicate(delivery, secrets[delivery.user_id])
        metrics.callback_outcome(status)
        logger.info(
            "callback %s attempt %s: %s (%s)",
            delivery.public_id,
            delivery.attempt_count,
            status,
            outcome.http_status or outcome.error,
        )
    return statuses.get(pk, "skipped")


INJECTED_FAILURE = "first attempt failed (not sent)"
INJECTED_FAILURE_ERROR = "Injected fault: the first attempt fails, without a POST."
INJECTED_DUPLICATE = "duplicate: the same callback sent again"


def injected_first_failure(delivery: CallbackDelivery) -> bool:
    """Fault injection's "fail the first attempt": this claimed attempt is the first."""
    return bool((delivery.faults or {}).get("fail_first")) and delivery.attempt_count == 1


def _deliver_duplicate(delivery: CallbackDelivery, secret: str) -> None:
    """Fault injection's "deliver twice": POST the delivered callback once more, with the
    same delivery id, logged as its own attempt; the delivery stays delivered."""
    with transaction.atomic():
        row = CallbackDelivery.objects.select_for_update().get(pk=delivery.pk)
        if row.attempts.filter(injected=INJECTED_DUPLICATE).exists():
            return
        row.attempt_count += 1
        row.save(update_fields=["attempt_count"])
        # The attempt row first, so a second copy of the task does not send it again.
        attempt = DeliveryAttempt.objects.create(
            delivery=row,
            number=row.attempt_count,
            url=row.url,
            started_at=timezone.now(),
            injected=INJECTED_DUPLICATE,
        )
    outcome = _post(row, secret)
    attempt.duration_ms = outcome.duration_ms
    attempt.http_status = outcome.http_status
    attempt.is_success = outcome.is_success
    attempt.error = outcome.error[:500]
    attempt.response_excerpt = outcome.response_excerpt
    attempt.save(
        update_fields=["duration_ms", "http_status", "is_success", "error", "response_excerpt"]
    )
