"""Batched delivery (callbacks/delivery.py): a task claims its own callback and the other
due callbacks of its application under one lease, posts them in turn and records them
together; concurrent workers never take the same callback."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Application
from callbacks import outbox, transport
from callbacks.delivery import attempt_delivery
from callbacks.models import CallbackDelivery, DeliveryAttempt
from callbacks.signing import get_signing_secret
from catalog import get_api
from tests.callbacks.callback_receiver import Receiver, Reply
from tests.factories import set_async_url

RESULT = {
    "output_ResponseCode": "INS-0",
    "output_ResponseDesc": "Request processed successfully",
    "output_TransactionID": "G27DEn1DLoQ3",
    "output_ThirdPartyConversationID": "batch",
}


def defer(user, application=None) -> CallbackDelivery:
    with transaction.atomic():
        outbox.defer_result(
            user=user, api=get_api("c2bPayment"), result=dict(RESULT), application=application
        )
    return CallbackDelivery.objects.latest("pk")


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    """The deliveries enqueued (after commit): no broker is involved in these tests."""
    sent: list[int] = []
    monkeypatch.setattr(
        outbox, "enqueue_delivery", lambda pk, countdown=None: sent.append(pk) or True
    )
    return sent


def delivery_ids(receiver: Receiver) -> list[str]:
    return [r.headers["X-Mpesa-Delivery-Id"] for r in receiver.received]


def test_a_task_delivers_the_due_callbacks_of_its_application(developer, receiver, enqueued):
    first, *others = [defer(developer) for _ in range(4)]
    assert attempt_delivery(first.pk) == "delivered"
    assert sorted(delivery_ids(receiver)) == sorted(d.delivery_id for d in [first, *others])
    assert delivery_ids(receiver)[0] == first.delivery_id  # its own callback first
    for delivery in [first, *others]:
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempt_count, delivery.claimed_until) == (
            "delivered",
            1,
            None,
        )
        [attempt] = delivery.attempts.all()
        assert (attempt.number, attempt.http_status, attempt.is_success) == (1, 200, True)
        assert attempt.url == receiver.url
        assert delivery.acknowledged_code == "0"
    # The messages of the others find them delivered.
    assert [attempt_delivery(d.pk) for d in others] == ["skipped"] * 3
    assert len(receiver.received) == 4


def test_a_batch_leaves_other_applications_rows_not_due_and_rows_held(
    developer, receiver, enqueued
):
    other_application = Application.objects.create(user=developer, name="Other")
    other_application.async_response_url = receiver.url
    other_application.save(update_fields=["async_response_url"])
    own = defer(developer)
    of_other_application = defer(developer, application=other_application)
    not_due = defer(developer)
    held = defer(developer)
    CallbackDelivery.objects.filter(pk=not_due.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    CallbackDelivery.objects.filter(pk=held.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=1)
    )
    assert attempt_delivery(own.pk) == "delivered"
    assert delivery_ids(receiver) == [own.delivery_id]
    for untouched in (of_other_application, not_due, held):
        untouched.refresh_from_db()
        assert (untouched.status, untouched.attempt_count) == ("pending", 0)


def test_the_batch_size_bounds_a_claim(developer, receiver, enqueued, settings):
    settings.CALLBACK_BATCH_SIZE = 3
    deliveries = [defer(developer) for _ in range(5)]
    attempt_delivery(deliveries[0].pk)
    assert len(receiver.received) == 3
    assert CallbackDelivery.objects.filter(status="pending").count() == 2
    # The next message takes the rest.
    assert attempt_delivery(deliveries[1].pk) == "skipped"
    assert len(receiver.received) == 5
    assert sorted(delivery_ids(receiver)) == sorted(d.delivery_id for d in deliveries)


def test_a_batch_costs_the_same_statements_as_a_single_delivery(developer, receiver, enqueued):
    """The attempts of a batch are claimed, inserted and updated together."""
    get_signing_secret(developer)  # created by the first delivery otherwise

    def statements(count: int) -> list[str]:
        deliveries = [defer(developer) for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            assert attempt_delivery(deliveries[0].pk) == "delivered"
        assert CallbackDelivery.objects.filter(status="pending").count() == 0
        return [q["sql"] for q in queries.captured_queries]

    one, ten = statements(1), statements(10)
    assert len(ten) == len(one)
    attempt_table = DeliveryAttempt._meta.db_table
    inserts = [sql for sql in ten if sql.startswith(f'INSERT INTO "{attempt_table}"')]
    assert len(inserts) == 1
    assert len(receiver.received) == 11


def test_failed_attempts_of_a_batch_each_get_their_backoff(
    developer, settings, enqueued, django_capture_on_commit_callbacks
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver([Reply(503, "busy")]) as receiver:
        set_async_url(developer, receiver.url)
        deliveries = [defer(developer) for _ in range(3)]
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert attempt_delivery(deliveries[0].pk) == "pending"
    assert len(receiver.received) == 3
    waits = []
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempt_count, delivery.claimed_until) == (
            "pending",
            1,
            None,
        )
        assert delivery.last_error.startswith("HTTP 503")
        assert delivery.attempts.get().http_status == 503
        waits.append((delivery.next_attempt_at - before).total_seconds())
    assert all(24 <= wait <= 37 for wait in waits)  # 30 s ± 20 %, each with its own jitter
    assert sorted(enqueued) == sorted(d.pk for d in deliveries)  # each retry enqueued


def test_rows_the_lease_cannot_cover_are_handed_back_unattempted(
    developer, settings, enqueued, django_capture_on_commit_callbacks
):
    """A POST starts only while the lease still covers a whole attempt: a slow listener
    makes the task hand the rest back, and one message is enqueued for them."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_TIMEOUT_SECONDS = 2
    # The lease is 3 x 2 s + 0.2 s: a POST may start up to 0.1 s after the claim, and the
    # listener takes 0.5 s to answer the first.
    settings.CALLBACK_CLAIM_MARGIN_SECONDS = 0.2
    with Receiver([Reply(delay=0.5)]) as receiver:
        set_async_url(developer, receiver.url)
        first, second, third = [defer(developer) for _ in range(3)]
        with django_capture_on_commit_callbacks(execute=True):
            assert attempt_delivery(first.pk) == "delivered"
        assert delivery_ids(receiver) == [first.delivery_id]
    for released in (second, third):
        released.refresh_from_db()
        assert (released.status, released.attempt_count, released.claimed_until) == (
            "pending",
            0,
            None,
        )
        assert not released.attempts.exists()
    assert enqueued == [second.pk]


def test_a_claim_lost_during_the_batch_is_not_recorded_over(
    developer, receiver, enqueued, monkeypatch
):
    """While the task posts its first callback, the second one's claim is taken over by
    another worker (as after an expired lease): the task posts it (at least once) but
    leaves its record to the worker that holds it now."""
    first, second = defer(developer), defer(developer)
    post = transport.post
    taken_over = []

    def post_and_lose_the_second(resolved, body, headers):
        if not taken_over:
            taken_over.append(
                CallbackDelivery.objects.filter(pk=second.pk).update(
                    attempt_count=F("attempt_count") + 1,
                    claimed_until=timezone.now() + timedelta(minutes=1),
                )
            )
        return post(resolved, body, headers)

    monkeypatch.setattr(transport, "post", post_and_lose_the_second)
    assert attempt_delivery(first.pk) == "delivered"
    assert taken_over == [1]
    assert len(receiver.received) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts.count()) == ("delivered", 1)
    # The other worker's claim stands: attempt 2 in flight, attempt 1 not logged by us.
    assert (second.status, second.attempt_count, second.is_in_flight) == ("pending", 2, True)
    assert not second.attempts.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_take_the_same_callback(developer, settings, enqueued):
    """Four workers each get the message of every callback (as if the broker handed
    each message to all of them): the claims decide, and each callback is posted once."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_BATCH_SIZE = 4
    with Receiver([Reply(delay=0.01)]) as receiver:
        set_async_url(developer, receiver.url)
        pks = [defer(developer).pk for _ in range(40)]
        start = threading.Barrier(4)
        outcomes: list[str] = []
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                start.wait(timeout=30)
                outcomes.extend(attempt_delivery(pk) for pk in pks)
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert len(outcomes) == 160
    assert outcomes.count("delivered") <= 40
    assert sorted(delivery_ids(receiver)) == sorted(
        str(public_id) for public_id in CallbackDelivery.objects.values_list("public_id", flat=True)
    )
    assert CallbackDelivery.objects.exclude(status="delivered").count() == 0
    assert set(CallbackDelivery.objects.values_list("attempt_count", flat=True)) == {1}
    assert DeliveryAttempt.objects.count() == 40


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SKIP LOCKED is PostgreSQL's; on SQLite a claim holds the write lock",
)
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_rows_another_worker_is_claiming(developer, settings, enqueued):
    """A row locked by another worker's claim in progress is left to it, not waited for."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver() as receiver:
        set_async_url(developer, receiver.url)
        locked, *free = [defer(developer) for _ in range(3)]
        holding, release = threading.Event(), threading.Event()

        def other_worker() -> None:
            try:
                with transaction.atomic():
                    CallbackDelivery.objects.select_for_update().get(pk=locked.pk)
                    holding.set()
                    release.wait(timeout=20)
            finally:
                connection.close()

        thread = threading.Thread(target=other_worker)
        thread.start()
        try:
            assert holding.wait(timeout=20)
            status = attempt_delivery(locked.pk)
            posted = delivery_ids(receiver)
        finally:
            release.set()
            thread.join(timeout=30)
    assert status == "skipped"
    assert sorted(posted) == sorted(d.delivery_id for d in free)
    locked.refresh_from_db()
    assert (locked.status, locked.attempt_count) == ("pending", 0)
