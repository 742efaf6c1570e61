"""The receiver conformance probe (docs/golive.md, "Receiver probe").

Three POSTs to an application's Asynchronous Response URL through the real delivery
path (callbacks.delivery: the SSRF check, the pinned connection, the real signatures
with the developer's signing secret, the delivery timeout):

1. a correctly signed callback must get 2xx;
2. the same delivery again (same delivery id) must get 2xx;
3. a callback signed with a wrong secret must be refused with 4xx;
4. every answer must come within the delivery timeout.

Every request and answer is kept as evidence (ReceiverCheck), and the latest run goes
into the Go Live snapshot at submission.
"""

from __future__ import annotations

import base64
import secrets
from uuid import uuid4

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Application
from callbacks.delivery import AttemptOutcome
from callbacks.delivery import post as post_delivery
from callbacks.models import CallbackDelivery
from callbacks.signing import SECRET_PREFIX, get_signing_secret
from golive.models import ReceiverCheck

BODY_EXCERPT_CHARS = 500
# Request headers kept in the evidence (the signatures are not secrets: they are
# what the receiver must check).
KEPT_REQUEST_HEADERS = (
    "Content-Type",
    "X-Mpesa-Delivery-Id",
    "X-Mpesa-Timestamp",
    "X-Mpesa-Signature",
    "X-Mpesa-Attempt",
    "X-Mpesa-Test",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
)

ITEM_SIGNED = "signed_accepted"
ITEM_REDELIVERY = "redelivery_accepted"
ITEM_WRONG_SIGNATURE = "wrong_signature_refused"
ITEM_TIMELY = "answered_in_time"

ITEM_LABELS = {
    ITEM_SIGNED: gettext_noop("A correctly signed callback gets 2xx"),
    ITEM_REDELIVERY: gettext_noop("The same delivery again (same delivery id) gets 2xx"),
    ITEM_WRONG_SIGNATURE: gettext_noop("A callback with a wrong signature is refused with 4xx"),
    ITEM_TIMELY: gettext_noop("Every answer comes within the delivery timeout"),
}


def _payload() -> dict:
    conversation = uuid4().hex
    return {
        "input_OriginalConversationID": conversation,
        "input_ThirdPartyConversationID": "probe" + secrets.token_hex(8),
        "input_TransactionID": "PROBE" + secrets.token_hex(3).upper(),
        "input_ResultCode": "INS-0",
        "input_ResultDesc": "Request processed successfully",
        "input_ConformanceProbe": "1",
    }


def _delivery(application: Application, payload: dict) -> CallbackDelivery:
    # Never saved: the probe is not a callback of a call, only the same POST.
    return CallbackDelivery(
        user=application.user,
        application=application,
        operation="c2bPayment",
        url=application.async_response_url,
        payload=payload,
        attempt_count=1,
        max_attempts=1,
        next_attempt_at=timezone.now(),
        is_test=True,
    )


def _exchange(name: str, delivery: CallbackDelivery, outcome: AttemptOutcome) -> dict:
    body = delivery.payload
    return {
        "name": name,
        "delivery_id": delivery.delivery_id,
        "started_at": outcome.started_at.isoformat(),
        "duration_ms": round(outcome.duration_ms, 1),
        "request": {
            "url": delivery.url,
            "headers": {
                k: v for k, v in outcome.request_headers.items() if k in KEPT_REQUEST_HEADERS
            },
            "body_excerpt": str(body)[:BODY_EXCERPT_CHARS],
        },
        "response": {
            "status": outcome.http_status,
            "headers": outcome.response_headers,
            "body_excerpt": outcome.response_excerpt[:BODY_EXCERPT_CHARS],
        },
        "error": outcome.error,
    }


def _item(key: str, ok: bool, reason: str = "") -> dict:
    return {"key": key, "label": ITEM_LABELS[key], "ok": ok, "reason": "" if ok else reason}


def _answer(outcome: AttemptOutcome) -> str:
    if outcome.http_status is not None:
        return f"answered HTTP {outcome.http_status}"
    return outcome.error or "no answer"


def run_probe(application: Application) -> ReceiverCheck:
    """Probe the application's Asynchronous Response URL now; the run is stored."""
    url = application.async_response_url
    if not url:
        raise ValueError("the application has no Asynchronous Response URL")
    secret = get_signing_secret(application.user).secret
    timeout_ms = settings.CALLBACK_TIMEOUT_SECONDS * 1000

    signed = _delivery(application, _payload())
    first = post_delivery(signed, secret)
    signed.attempt_count = 2
    again = post_delivery(signed, secret)
    forged = _delivery(application, _payload())
    wrong_secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    wrong = post_delivery(forged, wrong_secret)

    outcomes = (first, again, wrong)
    timely = all(o.http_status is not None and o.duration_ms <= timeout_ms for o in outcomes)
    wrong_refused = wrong.http_status is not None and 400 <= wrong.http_status < 500
    if wrong_refused:
        wrong_reason = ""
    elif wrong.is_success:
        wrong_reason = f"accepted a callback with a wrong signature (HTTP {wrong.http_status})"
    else:
        wrong_reason = f"a callback with a wrong signature {_answer(wrong)}, not 4xx"
    items = [
        _item(ITEM_SIGNED, first.is_success, f"a correctly signed callback {_answer(first)}"),
        _item(ITEM_REDELIVERY, again.is_success, f"the same delivery again {_answer(again)}"),
        _item(ITEM_WRONG_SIGNATURE, wrong_refused, wrong_reason),
        _item(
            ITEM_TIMELY,
            timely,
            f"an answer did not come within {settings.CALLBACK_TIMEOUT_SECONDS:g} s",
        ),
    ]
    evidence = {
        "url": url,
        "timeout_seconds": settings.CALLBACK_TIMEOUT_SECONDS,
        "items": items,
        "exchanges": [
            _exchange("signed", signed, first),
            _exchange("redelivery", signed, again),
            _exchange("wrong signature", forged, wrong),
        ],
    }
    return ReceiverCheck.objects.create(
        application=application,
        url=url,
        passed=all(i["ok"] for i in items),
        evidence=evidence,
    )


def latest_check(application: Application) -> ReceiverCheck | None:
    return application.receiver_checks.order_by("-created_at", "-pk").first()
