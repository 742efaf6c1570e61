"""Kept-alive connections (callbacks/transport.py): a worker reuses its connection to a
listener, the SSRF guard still decides every attempt, and a connection the listener
closed is retried once on a new one."""

from __future__ import annotations

import pytest
from django.db import transaction

from callbacks import outbox, transport
from callbacks.delivery import attempt_delivery
from callbacks.models import CallbackDelivery
from catalog import get_api
from netguard import ssrf
from tests.callbacks.callback_receiver import Receiver, Reply
from tests.factories import set_async_url

RESULT = {
    "output_ResponseCode": "INS-0",
    "output_ResponseDesc": "Request processed successfully",
    "output_TransactionID": "G27DEn1DLoQ3",
    "output_ThirdPartyConversationID": "keepalive",
}


@pytest.fixture(autouse=True)
def fresh_pools(settings, monkeypatch):
    """No connection kept from an earlier test; one attempt per delivery."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_MAX_ATTEMPTS = 1
    monkeypatch.setattr(outbox, "enqueue_delivery", lambda pk, countdown=None: True)
    transport.close_all()
    yield
    transport.close_all()


def deliver(user, url: str) -> tuple[str, CallbackDelivery]:
    """Defer one result to `url` and make its attempt (alone: the earlier ones are done)."""
    set_async_url(user, url)
    with transaction.atomic():
        outbox.defer_result(user=user, api=get_api("c2bPayment"), result=dict(RESULT))
    delivery = CallbackDelivery.objects.latest("pk")
    status = attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    return status, delivery


def test_attempts_to_one_listener_share_a_connection(developer):
    with Receiver() as receiver:
        assert deliver(developer, receiver.url)[0] == "delivered"
        assert deliver(developer, receiver.url)[0] == "delivered"
        first, second = receiver.wait_for(2)
    assert first.peer == second.peer


def test_a_kept_connection_is_not_used_once_the_address_is_refused(developer, settings):
    with Receiver() as receiver:
        assert deliver(developer, receiver.url)[0] == "delivered"
        settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
        status, delivery = deliver(developer, receiver.url)
        assert len(receiver.received) == 1
    assert status == "failed"
    assert delivery.attempts.get().error.startswith("Refused: 127.0.0.1 resolves to 127.0.0.1")
    assert "loopback" in delivery.last_error


def test_a_kept_connection_is_not_used_once_the_name_resolves_elsewhere(developer, monkeypatch):
    """The name is resolved and checked at every attempt, and the connection chosen by
    the address it resolved to: the old connection to the old address is not used."""
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])
    lookups = []

    def resolver(host, port):
        lookups.append(host)
        return next(answers)

    monkeypatch.setattr(ssrf, "_getaddrinfo", resolver)
    with Receiver() as receiver:  # listens on 127.0.0.1 only
        url = f"http://listener.test:{receiver.port}/hook"
        assert deliver(developer, url)[0] == "delivered"
        status, delivery = deliver(developer, url)
        assert len(receiver.received) == 1
    assert lookups == ["listener.test", "listener.test"]
    assert status == "failed"
    assert delivery.last_error.startswith("Connection failed")


def test_a_connection_the_listener_closed_is_retried_once_on_a_new_one(developer):
    """The listener drops the kept-alive connection as the second request arrives (its
    idle timeout): that request goes again on a new connection, within one attempt."""
    with Receiver([Reply(), Reply(drop=True), Reply()]) as receiver:
        assert deliver(developer, receiver.url)[0] == "delivered"
        status, delivery = deliver(developer, receiver.url)
        first, dropped, again = receiver.wait_for(3)
    assert status == "delivered"
    assert dropped.peer == first.peer and again.peer != first.peer
    assert dropped.body == again.body
    assert dropped.headers["X-Mpesa-Delivery-Id"] == again.headers["X-Mpesa-Delivery-Id"]
    assert again.headers["X-Mpesa-Attempt"] == "1"
    [attempt] = delivery.attempts.all()
    assert (attempt.number, attempt.http_status, attempt.is_success) == (1, 200, True)


def test_a_new_connection_closed_without_an_answer_is_a_failed_attempt(developer):
    with Receiver([Reply(drop=True), Reply()]) as receiver:
        status, delivery = deliver(developer, receiver.url)
        assert len(receiver.received) == 1
    assert status == "failed"
    assert delivery.last_error.startswith("Connection failed")


def test_an_answer_not_read_to_its_end_closes_the_connection(developer):
    """Only the first 16 KB of an answer are read: the rest would be read as the next
    answer on a reused connection, so that connection is closed instead."""
    with Receiver([Reply(body="x" * 20_000), Reply()]) as receiver:
        status, delivery = deliver(developer, receiver.url)
        assert status == "delivered"
        assert len(delivery.attempts.get().response_excerpt) == 1000
        assert deliver(developer, receiver.url)[0] == "delivered"
        first, second = receiver.wait_for(2)
    assert first.peer != second.peer
