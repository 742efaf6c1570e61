"""Fault: the Celery worker process is SIGKILLed while it is inside the callback POST.

The dead worker never records its attempt and never acknowledges the message (the
broker keeps it unacknowledged until its visibility timeout, an hour). The outbox row
keeps the worker's claim until the claim expires; then the sweep (called here like beat
would call it) hands the delivery to a new worker, which posts it again under the same
delivery id. Nothing is lost and the listener can drop the duplicate by its id.
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from callbacks import tasks
from callbacks.delivery import LOST_ATTEMPT_ERROR
from callbacks.models import CallbackDelivery
from sandbox.models import ApiCall, Transaction
from tests.callbacks.callback_receiver import Receiver, Reply
from tests.factories import set_async_url
from tests.sandbox.conftest import Gateway

pytestmark = pytest.mark.celery_worker

# The worker's POST timeout and the claim's margin: a claim lasts 3x the timeout plus the
# margin (callbacks/delivery.py; 30 s in production). 11 s here: long enough for the kill
# and the checks on the dead worker's claim to land first on a loaded machine, short
# enough that the test does not idle for the production 40 s.
TIMEOUT_SECONDS = 3
CLAIM_MARGIN_SECONDS = 2


def wait_delivered(timeout: float = 60.0) -> CallbackDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = CallbackDelivery.objects.get()
        if delivery.status == "delivered":
            return delivery
        time.sleep(0.2)
    raise AssertionError(f"not delivered in {timeout}s: {delivery.status} {delivery.last_error}")


def test_worker_killed_mid_delivery_the_callback_still_arrives_with_the_same_id(
    live_server, start_worker, developer, settings
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_SWEEP_GRACE_SECONDS = 0
    worker_env = {
        "CALLBACK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "CALLBACK_CLAIM_MARGIN_SECONDS": str(CLAIM_MARGIN_SECONDS),
    }
    first_worker = start_worker(**worker_env)
    # The first POST is never answered (the worker dies waiting); the next one is.
    with Receiver([Reply(delay=TIMEOUT_SECONDS + 30), Reply()]) as receiver:
        set_async_url(developer, receiver.url)
        gw = Gateway(live_server.url, developer.api_key_plaintext)
        response = gw.c2b()
        assert response.status_code == 201, response.text
        ack = response.json()

        [first] = receiver.wait_for(1, timeout=30)
        first_worker.kill()  # inside the POST: the receiver holds the request open

        delivery = CallbackDelivery.objects.get()
        assert first_worker.process.returncode == -9
        assert (delivery.status, delivery.attempt_count) == ("pending", 1)
        assert delivery.attempts.count() == 0  # the dead worker recorded nothing
        assert delivery.is_in_flight
        wait = (delivery.claimed_until - timezone.now()).total_seconds()
        assert 0 < wait <= 3 * TIMEOUT_SECONDS + CLAIM_MARGIN_SECONDS
        # While the dead worker's claim lasts, the sweep leaves the delivery alone.
        assert tasks.sweep_callbacks() == 0
        start_worker(**worker_env)
        assert len(receiver.received) == 1

        # Wait out the claim (a computed wait, not a guess), then sweep like beat does
        # every minute: the new worker posts again.
        time.sleep(max(0.0, (delivery.claimed_until - timezone.now()).total_seconds()) + 0.2)
        assert tasks.sweep_callbacks() == 1
        _, second = receiver.wait_for(2, timeout=30)
        delivery = wait_delivered()
        time.sleep(1)  # room for a wrong third POST to show up
        assert len(receiver.received) == 2

    delivery_id = str(delivery.public_id)
    assert first.headers["X-Mpesa-Delivery-Id"] == delivery_id
    assert second.headers["X-Mpesa-Delivery-Id"] == delivery_id
    assert (first.headers["X-Mpesa-Attempt"], second.headers["X-Mpesa-Attempt"]) == ("1", "2")
    assert first.body == second.body
    assert second.json["input_OriginalConversationID"] == ack["output_ConversationID"]
    assert delivery.attempt_count == 2
    # The dead worker's attempt is in the log too, as the claim that expired unreported.
    assert [(a.number, a.http_status, a.is_success) for a in delivery.attempts.all()] == [
        (1, None, False),
        (2, 200, True),
    ]
    assert delivery.attempts.get(number=1).error == LOST_ATTEMPT_ERROR
    # No call lost: the answered call is logged once, its payment written once.
    call = ApiCall.objects.get()
    assert call.is_async and call.http_status == 201
    assert call.conversation_id == ack["output_ConversationID"]
    assert Transaction.objects.count() == 1
    assert delivery.api_call == call
