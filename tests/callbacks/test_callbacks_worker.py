"""Asynchronous mode on the real services: a Celery worker consuming from the configured
broker (filesystem on embedded defaults, Redis in CI) delivering to a local receiver."""

from __future__ import annotations

import hashlib
import hmac
import time
from contextlib import contextmanager

import pytest
from celery.signals import task_postrun
from django.db import connection, transaction

from callbacks import outbox, tasks
from callbacks.models import CallbackDelivery, CallbackSigningSecret
from catalog import get_api
from tests.callbacks.callback_receiver import Receiver, Reply
from tests.factories import ApiCallFactory, set_async_url
from tests.faults.processes import broker_pointed_at

pytestmark = pytest.mark.celery_worker

RESULT = {
    "output_ResponseCode": "INS-0",
    "output_ResponseDesc": "Request processed successfully",
    "output_TransactionID": "yzsRm4j8C2SK",
    "output_ConversationID": "0123456789abcdef0123456789abcdef",
    "output_ThirdPartyConversationID": "tp-worker-1",
}


def make_call(user) -> tuple[dict, int]:
    """What the gateway does in async mode: log the call and defer the result, in one
    transaction; the task is enqueued after commit."""
    with transaction.atomic():
        call = ApiCallFactory(api_key=user.api_key, user=user, is_async=True)
        return outbox.defer_result(
            user=user, api=get_api("c2bPayment"), result=RESULT, api_call=call
        )


def wait_until(condition, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met after {timeout}s")
        time.sleep(0.05)


def wait_for_status(status: str, timeout: float = 30.0) -> CallbackDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = CallbackDelivery.objects.latest("pk")
        if delivery.status == status:
            return delivery
        time.sleep(0.1)
    raise AssertionError(f"delivery is {delivery.status} after {timeout}s, not {status}")


@pytest.fixture
def receiver_for(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True

    @contextmanager
    def start(script=None):
        with Receiver(script) as receiver:
            set_async_url(developer, receiver.url)
            yield receiver

    return start


def test_callback_arrives_with_documented_fields_and_a_valid_signature(
    celery_worker, developer, receiver_for
):
    with receiver_for() as receiver:
        ack, status = make_call(developer)
        [got] = receiver.wait_for(1)
    assert status == 201 and ack["output_ResponseCode"] == "INS-0"
    assert "output_TransactionID" not in ack
    assert got.json == {
        "input_OriginalConversationID": ack["output_ConversationID"],
        "input_TransactionID": "yzsRm4j8C2SK",
        "input_ResultCode": "INS-0",
        "input_ResultDesc": "Request processed successfully",
        "input_ThirdPartyConversationID": "tp-worker-1",
    }
    secret = CallbackSigningSecret.objects.get(user=developer).secret
    signed = f"{got.headers['X-Mpesa-Delivery-Id']}.{got.headers['X-Mpesa-Timestamp']}."
    digest = hmac.new(secret.encode(), signed.encode() + got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Mpesa-Signature"] == "sha256=" + digest
    assert abs(int(got.headers["X-Mpesa-Timestamp"]) - time.time()) < 60
    delivery = wait_for_status("delivered")
    assert delivery.acknowledged_code == "0"
    assert delivery.api_call.is_async


def test_500_then_200_gets_the_same_delivery_id_and_ends_delivered(
    celery_worker, developer, receiver_for, settings
):
    settings.CALLBACK_BACKOFF_BASE_SECONDS = 0.2
    with receiver_for([Reply(500, "busy"), Reply(200)]) as receiver:
        make_call(developer)
        first, second = receiver.wait_for(2)
        delivery = wait_for_status("delivered")
    assert first.headers["X-Mpesa-Delivery-Id"] == second.headers["X-Mpesa-Delivery-Id"]
    assert first.headers["X-Mpesa-Delivery-Id"] == str(delivery.public_id)
    assert (first.headers["X-Mpesa-Attempt"], second.headers["X-Mpesa-Attempt"]) == ("1", "2")
    assert first.body == second.body
    assert delivery.attempt_count == 2
    assert [(a.number, a.http_status) for a in delivery.attempts.all()] == [(1, 500), (2, 200)]


def test_receiver_that_never_answers_ends_failed_after_the_configured_attempts(
    celery_worker, developer, receiver_for, settings
):
    settings.CALLBACK_MAX_ATTEMPTS = 3
    settings.CALLBACK_TIMEOUT_SECONDS = 0.5
    settings.CALLBACK_BACKOFF_BASE_SECONDS = 0.1
    with receiver_for([Reply(delay=5)]) as receiver:
        make_call(developer)
        delivery = wait_for_status("failed", timeout=40)
        assert len(receiver.received) == 3
    assert delivery.attempt_count == 3
    attempts = list(delivery.attempts.all())
    assert [a.number for a in attempts] == [1, 2, 3]
    assert all(a.http_status is None and "No answer within 0.5 s" in a.error for a in attempts)
    assert delivery.last_error == "No answer within 0.5 s."


def test_broker_down_at_call_time_loses_nothing_the_sweep_delivers(
    request, transactional_db, developer, receiver_for, settings, monkeypatch
):
    settings.CALLBACK_SWEEP_GRACE_SECONDS = 0
    sent = []  # what each real enqueue answered (True: the broker took the message)
    enqueue = outbox.enqueue_delivery
    monkeypatch.setattr(
        outbox,
        "enqueue_delivery",
        lambda pk, countdown=None: sent.append(enqueue(pk, countdown=countdown)) or sent[-1],
    )
    with receiver_for() as receiver:
        with broker_pointed_at("redis://127.0.0.1:1/0"):
            started = time.monotonic()
            ack, status = make_call(developer)
            elapsed = time.monotonic() - started
        # The call answered at once, and its result waits in the outbox.
        assert (status, ack["output_ResponseCode"]) == (201, "INS-0")
        assert elapsed < 5
        delivery = CallbackDelivery.objects.get()
        assert (delivery.status, delivery.attempt_count) == ("pending", 0)
        # Nothing was enqueued while the broker was down: the after-commit enqueue gave
        # up (the row is the only trace; the sweep finds it below).
        assert sent == [False]

        request.getfixturevalue("celery_worker")  # the broker is back, with a worker
        # Celery's Django fixup closed this thread's connection under us as the worker
        # started; let Django open a fresh one.
        connection.close()
        assert tasks.sweep_callbacks() == 1
        # Beat runs the sweep periodically (here every 3 s) until the callback is out, so
        # even a message lost by a broker is made up for by the next sweep.
        next_sweep = time.monotonic() + 3

        def received_or_swept() -> bool:
            nonlocal next_sweep
            if receiver.received:
                return True
            if time.monotonic() >= next_sweep:
                tasks.sweep_callbacks()
                next_sweep += 3
            return False

        wait_until(received_or_swept, what="the swept callback arrives")
        delivery = wait_for_status("delivered")
        assert len(receiver.received) == 1  # sweeps never make a duplicate
        [got] = receiver.received
    assert got.headers["X-Mpesa-Delivery-Id"] == str(delivery.public_id)


def test_the_same_delivery_enqueued_many_times_is_posted_once(
    celery_worker, developer, receiver_for
):
    """Sweep + broker redelivery + the after-commit enqueue may all send the task:
    the claim lets exactly one copy post."""
    runs = []  # (delivery pk, outcome) of every deliver_callback the worker finished

    def record(sender=None, args=None, retval=None, **kwargs):
        if sender is not None and sender.name == outbox.DELIVER_TASK:
            runs.append((args[0], str(retval)))

    def outcomes(pk) -> list[str]:
        # Only this test's delivery: a message left by an earlier test may run too.
        return sorted(outcome for run_pk, outcome in runs if run_pk == pk)

    task_postrun.connect(record, weak=False)
    try:
        with receiver_for([Reply(delay=1)]) as receiver:
            make_call(developer)  # enqueued after commit, and six more copies below
            pk = CallbackDelivery.objects.get().pk
            for _ in range(6):
                tasks.deliver_callback.delay(pk)
            # Every copy has run in the worker: a wrongly duplicated POST would be in.
            wait_until(lambda: len(outcomes(pk)) == 7, what="all seven copies run")
            delivery = wait_for_status("delivered")
            assert len(receiver.received) == 1
    finally:
        task_postrun.disconnect(record)
    assert outcomes(pk) == ["delivered"] + ["skipped"] * 6
    assert delivery.attempt_count == 1
    assert delivery.attempts.count() == 1
