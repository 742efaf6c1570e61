"""The outbox: the row the gateway writes in its call's transaction, the enqueue after
commit, and the sweep that enqueues due rows whose message was lost or never sent.

If the broker is down when a call commits nothing is lost: the row is there and
`enqueue_due_deliveries` (the `sweep_callbacks` task, run by celery beat) sends it later.

The task is sent by its registered name, `DELIVER_TASK`, not through the task object:
callbacks.tasks calls this module (the sweep) and callbacks.delivery (the attempt), and
delivery enqueues its retries here, so importing the task here would close a cycle. The
name is also what every queued message carries, so it must stay stable anyway.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from uuid import uuid4

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.keys import default_application
from callbacks import faults as fault_injection
from callbacks.models import CallbackDelivery
from callbacks.payloads import acknowledgement, callback_payload

logger = logging.getLogger(__name__)

# The names the tasks had in sandbox/tasks.py: messages queued before the move still run.
DELIVER_TASK = "sandbox.tasks.deliver_callback"
SWEEP_TASK = "sandbox.tasks.sweep_callbacks"


def defer_result(
    *,
    user,
    api,
    result: dict[str, Any],
    api_call=None,
    application=None,
    url: str = "",
    is_test: bool = False,
) -> tuple[dict[str, str], int]:
    """Write the result of a call to the outbox and return the acknowledgement.

    The result goes to `url`, else to the Asynchronous Response URL of `application`
    (default: the user's Default application).

    Must run inside the caller's transaction (the one that logs the call): the outbox
    row commits or rolls back with the call, and the task is enqueued only after commit.
    `api_call` is the caller's call log row (sandbox.ApiCall), or None. `is_test` marks
    a sample of "Send test callback". The application's fault injection (callbacks.faults)
    is fixed on the row here; a delay or shuffle holds the first attempt.
    Returns (acknowledgement body, HTTP status).
    """
    if not result.get("output_ConversationID"):
        result = {**result, "output_ConversationID": uuid4().hex}
    now = timezone.now()
    application = application or default_application(user)
    faults = fault_injection.plan(application)
    hold = fault_injection.hold_seconds(faults)
    with transaction.atomic():
        delivery = CallbackDelivery.objects.create(
            user=user,
            application=application,
            api_call=api_call,
            operation=api.slug,
            conversation_id=str(result["output_ConversationID"])[:40],
            url=url or application.async_response_url,
            payload=callback_payload(api, result),
            max_attempts=settings.CALLBACK_MAX_ATTEMPTS,
            next_attempt_at=now + timedelta(seconds=hold),
            created_at=now,
            is_test=is_test,
            faults=faults,
        )
        enqueue_on_commit(delivery.pk, countdown=hold or None)
    return acknowledgement(api, result)


def enqueue_on_commit(pk: int, *, countdown: float | None = None) -> None:
    """Enqueue the delivery once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue_delivery(pk, countdown=countdown))


def enqueue_delivery(pk: int, *, countdown: float | None = None) -> bool:
    """Send `deliver_callback` to the broker; False (logged) when the broker is down,
    in which case the sweep enqueues the delivery once it is due."""
    try:
        current_app.signature(DELIVER_TASK, args=(pk,)).apply_async(
            # celery-types says `float`; Celery's default is None (no countdown).
            countdown=countdown,  # type: ignore[arg-type]
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
