"""Asynchronous mode: defer a result to the outbox, deliver it signed, retry, redeliver.

The flow (docs/callbacks.md):
1. `defer_result` writes a CallbackDelivery in the caller's transaction (the same one
   that logs the call) and enqueues `deliver_callback` only after commit. If the broker
   is down at that moment nothing is lost: the row is there and `sweep_callbacks`
   (celery beat) enqueues it later.
2. `attempt_delivery` (the body of the task) claims the row, POSTs the payload to the
   address checked by `netguard.ssrf`, and records the attempt. Failures are retried with
   exponential backoff and jitter until `max_attempts`, then the row is failed.
3. The developer sees every attempt on the Callbacks page and can redeliver.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

import certifi
import urllib3
from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import crypto
from netguard import ssrf
from sandbox.models import CallbackDelivery, CallbackSigningSecret, DeliveryAttempt

logger = logging.getLogger(__name__)

DELIVERY_ID_HEADER = "X-Mpesa-Delivery-Id"
TIMESTAMP_HEADER = "X-Mpesa-Timestamp"
SIGNATURE_HEADER = "X-Mpesa-Signature"
ATTEMPT_HEADER = "X-Mpesa-Attempt"
USER_AGENT = "MPesa-Sandbox-Callbacks/1.0"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
RESPONSE_EXCERPT_CHARS = 1000
# Retries due sooner than this are enqueued with a countdown; later ones are left to the
# sweep. A message held for hours by a worker is fragile (Redis hands an unacknowledged
# message to another worker after the visibility timeout, 1 h), the outbox row is not.
MAX_COUNTDOWN_SECONDS = 900
# Enough of the listener's answer for its acknowledgement (§6.2) and an excerpt; the
# rest is not read, so a listener streaming megabytes cannot hold a worker.
RESPONSE_READ_LIMIT = 16 * 1024

# §6.1, "C2B, B2C, B2B, Reversal, DD Payment": used when a catalogue entry lists no
# callback fields of its own.
DEFAULT_CALLBACK_FIELDS = (
    "input_OriginalConversationID",
    "input_TransactionID",
    "input_ResultCode",
    "input_ResultDesc",
    "input_ThirdPartyConversationID",
)
# §6: the immediate reply carries these four and no TransactionID.
DEFAULT_ACK_FIELDS = (
    "output_ResponseCode",
    "output_ResponseDesc",
    "output_ConversationID",
    "output_ThirdPartyConversationID",
)
ACCEPTED_CODE = "INS-0"
ACCEPTED_DESC = "Request processed successfully"

# Callback field -> the sync result field it is filled from, where the names differ.
# Every other `input_X` is filled from `output_X`.
_RESULT_SOURCES = {
    "input_OriginalConversationID": ("output_ConversationID",),
    "input_ResultCode": ("output_ResponseCode",),
    "input_ResultDesc": ("output_ResponseDesc",),
    # Query Direct Debit's callback says ResponseCode/Desc (§6.1).
    "input_ResponseCode": ("output_ResponseCode",),
    "input_ResponseDesc": ("output_ResponseDesc",),
    # Query Transaction Status answers with OriginalTransactionID only.
    "input_TransactionID": ("output_TransactionID", "output_OriginalTransactionID"),
}


# --- Signing secrets ----------------------------------------------------------------


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_hex(32)


def get_signing_secret(user) -> CallbackSigningSecret:
    """The developer's signing secret, created the first time it is needed."""
    secret, _ = CallbackSigningSecret.objects.get_or_create(
        user=user, defaults={"secret_encrypted": crypto.encrypt(_new_secret())}
    )
    return secret


@transaction.atomic
def rotate_signing_secret(user) -> CallbackSigningSecret:
    """Replace the signing secret at once: every attempt from now on, retries of older
    deliveries included, is signed with the new one."""
    secret = get_signing_secret(user)
    secret.secret_encrypted = crypto.encrypt(_new_secret())
    secret.rotated_at = timezone.now()
    secret.save(update_fields=["secret_encrypted", "rotated_at"])
    return secret


def sign(secret: str, delivery_id: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `<delivery id>.<timestamp>.<body>` keyed with the secret."""
    message = f"{delivery_id}.{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str, *, delivery_id: str, timestamp: str, body: bytes, header: str
) -> bool:
    """What a listener does (docs/callbacks.md); used by the tests and the benchmark."""
    expected = "sha256=" + sign(secret, delivery_id, timestamp, body)
    return hmac.compare_digest(expected, header)


# --- Deferring a result -------------------------------------------------------------


def callback_payload(api, result: dict[str, Any]) -> dict[str, str]:
    """The callback body of `api` (§6.1) filled from the sync result of the call."""
    names = [f.name for f in getattr(api, "callback_fields", ())] or list(DEFAULT_CALLBACK_FIELDS)
    payload: dict[str, str] = {}
    for name in names:
        sources = _RESULT_SOURCES.get(name, ("output_" + name.removeprefix("input_"),))
        value = next((result[s] for s in sources if result.get(s) not in (None, "")), "")
        payload[name] = str(value)
    return payload


def acknowledgement(api, result: dict[str, Any]) -> tuple[dict[str, str], int]:
    """The immediate reply in asynchronous mode (§6) and its HTTP status.

    The reference does not state the status (§13.3): we answer with the API's own
    success status (201 for payments, 200 for queries), because the request was
    accepted; the outcome, success or not, arrives in the callback.
    """
    names = [f.name for f in getattr(api, "response_fields", ()) if f.in_async_ack]
    names = names or list(DEFAULT_ACK_FIELDS)
    ack = {name: str(result.get(name, "")) for name in names}
    ack["output_ResponseCode"] = ACCEPTED_CODE
    ack["output_ResponseDesc"] = ACCEPTED_DESC
    # Like every answer of the gateway, the acknowledgement echoes the request's input
    # values (the seed: "all the request parameters originally sent as input").
    ack.update({k: v for k, v in result.items() if k.startswith("input_")})
    return ack, api.success_status


def defer_result(
    *, user, api, result: dict[str, Any], api_call=None, url: str = ""
) -> tuple[dict[str, str], int]:
    """Write the result of a call to the outbox and return the acknowledgement.

    Must run inside the caller's transaction (the one that logs the call): the outbox
    row commits or rolls back with the call, and the task is enqueued only after commit.
    Returns (acknowledgement body, HTTP status).
    """
    if not result.get("output_ConversationID"):
        result = {**result, "output_ConversationID": uuid4().hex}
    now = timezone.now()
    with transaction.atomic():
        delivery = CallbackDelivery.objects.create(
            user=user,
            api_call=api_call,
            operation=api.slug,
            conversation_id=str(result["output_ConversationID"])[:40],
            url=url or user.async_response_url,
            payload=callback_payload(api, result),
            max_attempts=settings.CALLBACK_MAX_ATTEMPTS,
            next_attempt_at=now,
            created_at=now,
        )
        pk = delivery.pk
        transaction.on_commit(lambda: enqueue_delivery(pk))
    return acknowledgement(api, result)


def enqueue_delivery(pk: int, *, countdown: float | None = None) -> bool:
    """Send `deliver_callback` to the broker; False (logged) when the broker is down,
    in which case the sweep enqueues the delivery once it is due."""
    from sandbox.tasks import deliver_callback

    try:
        deliver_callback.apply_async(
            (pk,),
            countdown=countdown,
            # Fail fast: the call that produced the result must not wait on the broker.
            retry=True,
            retry_policy={
                "max_retries": 2,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.5,
            },
        )
    except Exception:  # any broker/transport failure: the outbox row is the source of truth
        logger.warning("could not enqueue callback delivery %s; the sweep will", pk, exc_info=True)
        return False
    return True


# --- Delivering ---------------------------------------------------------------------


@dataclass
class AttemptOutcome:
    started_at: Any
    duration_ms: float = 0.0
    http_status: int | None = None
    error: str = ""
    response_excerpt: str = ""
    acknowledged_code: str = ""

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
            .select_related("user")
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
        delivery.attempt_count += 1
        # Connect + read timeouts plus room for the bookkeeping on either side.
        delivery.claimed_until = now + timedelta(
            seconds=3 * timeout + settings.CALLBACK_CLAIM_MARGIN_SECONDS
        )
        # A developer who fixes a broken URL gets the pending retries at the new one; a
        # cleared URL (back to synchronous) still receives the results already accepted.
        delivery.url = delivery.user.async_response_url or delivery.url
        delivery.save(update_fields=["attempt_count", "claimed_until", "url"])
    return delivery


def _post(delivery: CallbackDelivery, secret: str) -> AttemptOutcome:
    outcome = AttemptOutcome(started_at=timezone.now())
    start = time.perf_counter()
    try:
        resolved = ssrf.resolve_callback_url(delivery.url)
    except ssrf.UnsafeCallbackUrl as exc:
        outcome.error = f"Refused: {exc}"
        return outcome
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Host": resolved.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        DELIVERY_ID_HEADER: delivery.delivery_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: "sha256=" + sign(secret, delivery.delivery_id, timestamp, body),
        ATTEMPT_HEADER: str(delivery.attempt_count),
    }
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
        response.release_conn()
        text = raw.decode("utf-8", errors="replace")
        outcome.response_excerpt = text[:RESPONSE_EXCERPT_CHARS]
        outcome.acknowledged_code = _acknowledged_code(text)
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


def _connection_pool(resolved: ssrf.ResolvedUrl, timeout: urllib3.Timeout):
    """A pool that connects to the checked address, never resolving the name again.

    For https the TLS handshake still sends the host name (SNI) and the certificate is
    verified against it, so pinning the address costs no security.
    """
    common = {"timeout": timeout, "maxsize": 1, "retries": False}
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


def _acknowledged_code(text: str) -> str:
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
            url=delivery.url,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            http_status=outcome.http_status,
            is_success=outcome.is_success,
            error=outcome.error[:500],
            response_excerpt=outcome.response_excerpt,
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
                    pk = row.pk
                    transaction.on_commit(lambda: enqueue_delivery(pk, countdown=delay))
        row.save(update_fields=fields)
    return row.status


def attempt_delivery(pk: int) -> str:
    """One delivery attempt of the outbox row `pk`; safe to run twice or concurrently.

    Returns the row's status afterwards, or "skipped" when there was nothing to do.
    """
    delivery = _claim(pk)
    if delivery is None:
        return "skipped"
    secret = get_signing_secret(delivery.user).secret
    outcome = _post(delivery, secret)
    status = _record(delivery, outcome)
    logger.info(
        "callback %s attempt %s: %s (%s)",
        delivery.public_id,
        delivery.attempt_count,
        status,
        outcome.http_status or outcome.error,
    )
    return status


def enqueue_due_deliveries(*, limit: int = 1000) -> int:
    """The sweep: enqueue every pending delivery that was due a while ago and that no
    worker holds (its task was lost, or never sent because the broker was down).

    The grace period leaves time for the normal path; a delivery enqueued twice is
    harmless, as the task claims the row before posting.
    """
    before = timezone.now() - timedelta(seconds=settings.CALLBACK_SWEEP_GRACE_SECONDS)
    pks = list(
        CallbackDelivery.objects.due(before)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(enqueue_delivery(pk) for pk in pks)


# --- The developer's side -----------------------------------------------------------


def get_delivery_for_user(user, public_id) -> CallbackDelivery:
    return get_object_or_404(CallbackDelivery.objects.for_user(user), public_id=public_id)


class RedeliveryRefused(Exception):
    pass


@transaction.atomic
def redeliver(delivery: CallbackDelivery) -> CallbackDelivery:
    """Give a delivery one more attempt now, to the developer's current URL (or the one
    it was made for, when async mode has been switched off since). The delivery id
    stays the same, so a listener that already processed it can recognise it."""
    row = CallbackDelivery.objects.select_for_update().get(pk=delivery.pk)
    if row.is_in_flight:
        raise RedeliveryRefused("This callback is being delivered right now; try again shortly.")
    row.url = row.user.async_response_url or row.url
    row.status = CallbackDelivery.Status.PENDING
    row.max_attempts = max(row.max_attempts, row.attempt_count + 1)
    row.next_attempt_at = timezone.now()
    row.delivered_at = None
    row.save(update_fields=["url", "status", "max_attempts", "next_attempt_at", "delivered_at"])
    pk = row.pk
    transaction.on_commit(lambda: enqueue_delivery(pk))
    return row
