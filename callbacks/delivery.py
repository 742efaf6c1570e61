"""Delivery: claim an outbox row, POST it signed to the address checked by
`netguard.ssrf`, record the attempt, and schedule the retry with exponential backoff
until `max_attempts`, after which the row is failed."""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypedDict

import certifi
import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from callbacks import outbox
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
# Enough of the listener's answer for its acknowledgement (§6.2) and an excerpt; the
# rest is not read, so a listener streaming megabytes cannot hold a worker.
RESPONSE_READ_LIMIT = 16 * 1024


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


def _claim(pk: int) -> CallbackDelivery | None:
    """Take the row for one attempt, or None when there is nothing to do: delivered,
    failed, gone, another worker holds it, or not due yet (an early duplicate)."""
    timeout = settings.CALLBACK_TIMEOUT_SECONDS
    with transaction.atomic():
        delivery = (
            CallbackDelivery.objects.select_for_update(of=("self",))
            # The application: current_url() reads its Asynchronous Response URL below;
            # the developer's signing secret: the attempt is signed with it.
            .select_related("user", "application", "user__callback_signing_secret")
            .filter(pk=pk)
            .first()
        )
        now = timezone.now()
        if (
            delivery is None
            or delivery.status != CallbackDelivery.Status.PENDING
            or delivery.is_in_flight
            or delivery.next_attempt_at > now + timedelta(seconds=1)
        ):
            return None
        record_lost_attempt(delivery)
        delivery.attempt_count += 1
        # Connect + read timeouts plus room for the bookkeeping on either side.
        delivery.claimed_until = now + timedelta(
            seconds=3 * timeout + settings.CALLBACK_CLAIM_MARGIN_SECONDS
        )
        # A developer who fixes a broken URL gets the pending retries at the new one; a
        # cleared URL (back to synchronous) still receives the results already accepted.
        delivery.url = delivery.current_url()
        delivery.save(update_fields=["attempt_count", "claimed_until", "url"])
    return delivery


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


def _listener_takes(pk: int) -> bool:
    """`listener_connected` for the application of delivery `pk`, in one query."""
    since = timezone.now() - timedelta(seconds=settings.CALLBACK_LISTENER_TTL_SECONDS)
    return CallbackSettings.objects.filter(
        application__callback_deliveries__pk=pk, listener_seen_at__gte=since
    ).exists()


def _post(delivery: CallbackDelivery, secret: str) -> AttemptOutcome:
    outcome = AttemptOutcome(started_at=timezone.now())
    start = time.perf_counter()
    try:
        resolved = ssrf.resolve_callback_url(delivery.url)
    except ssrf.UnsafeCallbackUrl as exc:
        outcome.error = f"Refused: {exc}"
        return outcome
    body, headers = signed_request(delivery, secret)
    headers["Host"] = resolved.host_header
    outcome.request_headers = dict(headers)
    timeout = urllib3.Timeout(
        connect=settings.CALLBACK_TIMEOUT_SECONDS, read=settings.CALLBACK_TIMEOUT_SECONDS
    )
    pool = _connection_pool(resolved, timeout)
    try:
        response = pool.urlopen(
            "POST",
            resolved.target,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        raw = response.read(RESPONSE_READ_LIMIT)
        outcome.http_status = response.status
        outcome.response_headers = {k: v[:200] for k, v in list(response.headers.items())[:30]}
        response.release_conn()
        text = raw.decode("utf-8", errors="replace")
        outcome.response_excerpt = text[:RESPONSE_EXCERPT_CHARS]
        outcome.acknowledged_code = acknowledged_code(text)
        if not outcome.is_success:
            outcome.error = f"HTTP {response.status}: the listener must answer with a 2xx status."
    except urllib3.exceptions.NewConnectionError as exc:
        # Checked first: urllib3 makes it a subclass of ConnectTimeoutError.
        outcome.error = f"Connection failed: {_reason(exc)}"[:500]
    except urllib3.exceptions.TimeoutError:
        outcome.error = f"No answer within {settings.CALLBACK_TIMEOUT_SECONDS:g} s."
    except urllib3.exceptions.HTTPError as exc:
        outcome.error = f"Connection failed: {_reason(exc)}"[:500]
    finally:
        pool.close()
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


class _PoolOptions(TypedDict):
    """The options both pools share."""

    timeout: urllib3.Timeout
    maxsize: int
    retries: bool


def _connection_pool(resolved: ssrf.ResolvedUrl, timeout: urllib3.Timeout):
    """A pool that connects to the checked address, never resolving the name again.

    For https the TLS handshake still sends the host name (SNI) and the certificate is
    verified against it, so pinning the address costs no security.
    """
    common = _PoolOptions(timeout=timeout, maxsize=1, retries=False)
    if resolved.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(resolved.ip),
            resolved.port,
            server_hostname=resolved.hostname,
            assert_hostname=resolved.hostname,
            cert_reqs="CERT_REQUIRED",
            ca_certs=settings.CALLBACK_CA_BUNDLE or certifi.where(),
            **common,
        )
    return urllib3.HTTPConnectionPool(str(resolved.ip), resolved.port, **common)


def _reason(exc: Exception) -> str:
    # urllib3 prefixes its messages with the connection object's repr: drop it.
    text = str(getattr(exc, "reason", None) or exc)
    return text.split(">: ", 1)[-1]


def acknowledged_code(text: str) -> str:
    """The listener's `output_ResponseCode` (§6.2: "0"), when it sent one."""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    if isinstance(data, dict) and data.get("output_ResponseCode") is not None:
        return str(data["output_ResponseCode"])[:40]
    return ""


def _record(delivery: CallbackDelivery, outcome: AttemptOutcome) -> str:
    with transaction.atomic():
        row = CallbackDelivery.objects.select_for_update().get(pk=delivery.pk)
        DeliveryAttempt.objects.create(
            delivery=row,
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
        row.claimed_until = None
        fields = ["claimed_until", "status", "last_error"]
        if outcome.is_success:
            row.status = CallbackDelivery.Status.DELIVERED
            row.delivered_at = timezone.now()
            row.acknowledged_code = outcome.acknowledged_code
            row.last_error = ""
            fields += ["delivered_at", "acknowledged_code"]
        else:
            row.last_error = outcome.error[:500]
            if row.attempt_count >= row.max_attempts:
                row.status = CallbackDelivery.Status.FAILED
            else:
                delay = backoff_seconds(row.attempt_count)
                row.next_attempt_at = timezone.now() + timedelta(seconds=delay)
                fields.append("next_attempt_at")
                if delay <= MAX_COUNTDOWN_SECONDS:
                    outbox.enqueue_on_commit(row.pk, countdown=delay)
        row.save(update_fields=fields)
    return row.status


def record_attempt(delivery: CallbackDelivery, outcome: AttemptOutcome) -> str:
    """Record an attempt made elsewhere (a `listen` process) like a worker's own."""
    return _record(delivery, outcome)


def attempt_delivery(pk: int) -> str:
    """One delivery attempt of the outbox row `pk`; safe to run twice or concurrently.

    Returns the row's status afterwards, or "skipped" when there was nothing to do.
    """
    if _listener_takes(pk):
        # The listener's next poll takes it; if the listener goes away the sweep
        # enqueues it again and it goes to the URL.
        return "listener"
    delivery = _claim(pk)
    if delivery is None:
        return "skipped"
    secret = _signing_secret(delivery)
    if injected_first_failure(delivery):
        outcome = AttemptOutcome(
            started_at=timezone.now(),
            error=INJECTED_FAILURE_ERROR,
            injected=INJECTED_FAILURE,
        )
    else:
        outcome = _post(delivery, secret)
    status = _record(delivery, outcome)
    if status == CallbackDelivery.Status.DELIVERED and (delivery.faults or {}).get("duplicate"):
        _deliver_duplicate(delivery, secret)
    metrics.callback_outcome(status)
    logger.info(
        "callback %s attempt %s: %s (%s)",
        delivery.public_id,
        delivery.attempt_count,
        status,
        outcome.http_status or outcome.error,
    )
    return status


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
