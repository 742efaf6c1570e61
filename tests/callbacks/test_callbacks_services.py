"""Asynchronous mode services: the outbox row, the payload and acknowledgement, one
delivery attempt over real HTTP (a local receiver), retries, redelivery, the sweep."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.keys import default_application
from callbacks import outbox, redelivery, signing
from callbacks.delivery import attempt_delivery, backoff_seconds
from callbacks.models import CallbackDelivery, CallbackSigningSecret
from catalog import get_api
from netguard import ssrf
from tests.callbacks.callback_receiver import Receiver, Reply
from tests.factories import set_async_url

C2B_RESULT = {
    "output_ResponseCode": "INS-0",
    "output_ResponseDesc": "Request processed successfully",
    "output_TransactionID": "G27DEn1DLoQ3",
    "output_ConversationID": "08536a5d65ea4f50866db06f577cc5c1",
    "output_ThirdPartyConversationID": "asv02e5958774f7ba228d83d0d689761",
}


def defer(user, result=C2B_RESULT, slug="c2bPayment"):
    with transaction.atomic():
        ack, status = outbox.defer_result(user=user, api=get_api(slug), result=result)
    return ack, status, CallbackDelivery.objects.latest("pk")


@pytest.fixture
def async_developer(developer):
    set_async_url(developer, "http://127.0.0.1:9/unused")
    return developer


# --- Payload and acknowledgement ----------------------------------------------------


def test_acknowledgement_has_the_four_fields_and_no_transaction_id(async_developer):
    ack, status, _ = defer(async_developer)
    assert status == 201  # the API's success status: the request was accepted
    assert ack == {
        "output_ResponseCode": "INS-0",
        "output_ResponseDesc": "Request processed successfully",
        "output_ConversationID": C2B_RESULT["output_ConversationID"],
        "output_ThirdPartyConversationID": C2B_RESULT["output_ThirdPartyConversationID"],
    }


def test_acknowledgement_echoes_no_request_input(async_developer):
    """The real gateway echoes no input_* value (docs/gateway.md); neither does the
    acknowledgement nor the callback, even when a result dict carries some."""
    result = {**C2B_RESULT, "input_Amount": "10", "input_Country": "GHA"}
    ack, _, delivery = defer(async_developer, result)
    assert not any(k.startswith("input_") for k in ack)
    assert "input_Amount" not in delivery.payload  # the callback has the §6.1 fields only


def test_c2b_payload_has_the_documented_callback_fields(async_developer):
    _, _, delivery = defer(async_developer)
    assert delivery.payload == {
        "input_OriginalConversationID": C2B_RESULT["output_ConversationID"],
        "input_TransactionID": "G27DEn1DLoQ3",
        "input_ResultCode": "INS-0",
        "input_ResultDesc": "Request processed successfully",
        "input_ThirdPartyConversationID": C2B_RESULT["output_ThirdPartyConversationID"],
    }
    assert delivery.status == CallbackDelivery.Status.PENDING
    assert delivery.url == default_application(async_developer).async_response_url
    assert delivery.conversation_id == C2B_RESULT["output_ConversationID"]
    assert delivery.max_attempts == 8


def test_failed_outcome_is_delivered_in_the_callback(async_developer):
    result = {**C2B_RESULT, "output_ResponseCode": "INS-2001", "output_ResponseDesc": "x"}
    result.pop("output_TransactionID")
    ack, status, delivery = defer(async_developer, result)
    assert (ack["output_ResponseCode"], status) == ("INS-0", 201)
    assert delivery.payload["input_ResultCode"] == "INS-2001"
    assert delivery.payload["input_TransactionID"] == ""


def test_query_transaction_status_payload(async_developer):
    result = {
        "output_ResponseCode": "INS-0",
        "output_ResponseDesc": "Request processed successfully",
        "output_ResponseTransactionStatus": "Completed",
        "output_ConversationID": "c" * 32,
        "output_ThirdPartyConversationID": "tp1",
        "output_OriginalTransactionID": "4C123GE3",
        "output_Reversed": "False",
    }
    ack, status, delivery = defer(async_developer, result, "queryTransactionStatus")
    assert status == 200
    assert delivery.payload["input_OriginalTransactionID"] == "4C123GE3"
    assert delivery.payload["input_Reversed"] == "False"
    assert delivery.payload["input_OriginalConversationID"] == "c" * 32


def test_query_direct_debit_uses_response_code_fields(async_developer):
    result = {
        "output_ResponseCode": "INS-0",
        "output_ResponseDesc": "Request processed successfully",
        "output_ConversationID": "d" * 32,
        "output_ThirdPartyConversationID": "tp2",
        "output_MandateID": "15132",
        "output_MandateStatus": "Active",
    }
    _, _, delivery = defer(async_developer, result, "queryDirectDebit")
    assert delivery.payload["input_ResponseCode"] == "INS-0"
    assert delivery.payload["input_ResponseDesc"] == "Request processed successfully"
    assert "input_ResultCode" not in delivery.payload
    assert delivery.payload["input_MandateID"] == "15132"


# --- Outbox in the caller's transaction ---------------------------------------------


def test_outbox_row_rolls_back_with_the_call(async_developer):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.defer_result(user=async_developer, api=get_api("c2bPayment"), result=C2B_RESULT)
        raise RuntimeError("the call failed after deferring")
    assert not CallbackDelivery.objects.exists()


def test_task_is_enqueued_only_on_commit(async_developer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        _, _, delivery = defer(async_developer)
    assert len(hooks) == 1
    assert delivery.attempt_count == 0


# --- One attempt over real HTTP -----------------------------------------------------


def _pending(user, url):
    _, _, delivery = defer(user)
    delivery.url = url
    delivery.save(update_fields=["url"])
    return delivery


def test_attempt_delivers_signed_json_and_records_ack(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver() as receiver:
        delivery = _pending(developer, receiver.url)
        assert attempt_delivery(delivery.pk) == "delivered"
        [got] = receiver.wait_for(1)
    secret = CallbackSigningSecret.objects.get(user=developer).secret
    delivery_id = got.headers["X-Mpesa-Delivery-Id"]
    timestamp = got.headers["X-Mpesa-Timestamp"]
    expected = hmac.new(
        secret.encode(), f"{delivery_id}.{timestamp}.".encode() + got.body, hashlib.sha256
    ).hexdigest()
    assert got.headers["X-Mpesa-Signature"] == f"sha256={expected}"
    assert got.headers["Content-Type"] == "application/json"
    assert delivery_id == str(delivery.public_id)
    assert json.loads(got.body) == delivery.payload
    delivery.refresh_from_db()
    assert delivery.status == CallbackDelivery.Status.DELIVERED
    assert delivery.acknowledged_code == "0"
    assert delivery.delivered_at is not None
    [attempt] = delivery.attempts.all()
    assert (attempt.number, attempt.http_status, attempt.is_success) == (1, 200, True)
    assert "Successfully Accepted Result" in attempt.response_excerpt


def test_failed_attempt_schedules_a_retry_with_backoff(
    developer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    enqueued = []
    monkeypatch.setattr(
        outbox, "enqueue_delivery", lambda pk, countdown=None: enqueued.append(countdown)
    )
    with Receiver([Reply(500, "oops")]) as receiver:
        delivery = _pending(developer, receiver.url)
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            status = attempt_delivery(delivery.pk)
    assert status == "pending"
    delivery.refresh_from_db()
    assert delivery.attempt_count == 1
    assert delivery.claimed_until is None
    assert "HTTP 500" in delivery.last_error
    assert 24 <= (delivery.next_attempt_at - before).total_seconds() <= 37  # 30 s ± 20 %
    attempt = delivery.attempts.get()
    assert (attempt.http_status, attempt.is_success, attempt.response_excerpt) == (
        500,
        False,
        "oops",
    )
    [countdown] = enqueued
    assert countdown == pytest.approx((delivery.next_attempt_at - before).total_seconds(), abs=1)


def test_long_waits_are_left_to_the_sweep(
    developer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    enqueued = []
    monkeypatch.setattr(
        outbox, "enqueue_delivery", lambda pk, countdown=None: enqueued.append(countdown)
    )
    with Receiver([Reply(500)]) as receiver:
        delivery = _pending(developer, receiver.url)
        CallbackDelivery.objects.filter(pk=delivery.pk).update(attempt_count=4)
        with django_capture_on_commit_callbacks(execute=True) as hooks:
            assert attempt_delivery(delivery.pk) == "pending"
    assert hooks == []  # nothing registered for after the commit
    delivery.refresh_from_db()
    # The fifth failure waits about 2 h: no message sits in the broker that long.
    assert (delivery.next_attempt_at - timezone.now()).total_seconds() > 3600
    assert enqueued == []


def test_last_failed_attempt_marks_the_delivery_failed(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver([Reply(503)]) as receiver:
        delivery = _pending(developer, receiver.url)
        CallbackDelivery.objects.filter(pk=delivery.pk).update(attempt_count=7)
        assert attempt_delivery(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("failed", 8)


def test_timeout_is_a_failed_attempt(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_TIMEOUT_SECONDS = 0.3
    settings.CALLBACK_MAX_ATTEMPTS = 1
    with Receiver([Reply(delay=2)]) as receiver:
        delivery = _pending(developer, receiver.url)
        assert attempt_delivery(delivery.pk) == "failed"
    attempt = delivery.attempts.get()
    assert attempt.http_status is None
    assert attempt.error == "No answer within 0.3 s."
    assert attempt.duration_ms < 1500


def test_connection_refused_is_a_failed_attempt(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_MAX_ATTEMPTS = 1
    with Receiver() as receiver:
        url = receiver.url
    delivery = _pending(developer, url)  # the receiver is closed: nothing listens
    assert attempt_delivery(delivery.pk) == "failed"
    assert delivery.attempts.get().error.startswith("Connection failed")


def test_private_address_refused_at_delivery_time(developer, settings):
    """A URL saved while private networks were allowed is checked again at delivery."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    settings.CALLBACK_MAX_ATTEMPTS = 1
    with Receiver() as receiver:
        delivery = _pending(developer, receiver.url)
        assert attempt_delivery(delivery.pk) == "failed"
        assert receiver.received == []
    assert "loopback" in delivery.attempts.get().error


def test_connects_to_the_checked_address_without_resolving_again(developer, settings, monkeypatch):
    """No DNS rebinding: the name is resolved once, the request goes to that address
    with the name in the Host header."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    lookups = []

    def resolver(host, port):
        lookups.append(host)
        # A rebinding resolver would answer differently the second time.
        return ["127.0.0.1"] if len(lookups) == 1 else ["10.9.9.9"]

    monkeypatch.setattr(ssrf, "_getaddrinfo", resolver)
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        delivery = _pending(developer, f"http://listener.test:{port}/hook")
        assert attempt_delivery(delivery.pk) == "delivered"
        [got] = receiver.wait_for(1)
    assert lookups == ["listener.test"]
    assert got.headers["Host"] == f"listener.test:{port}"
    assert got.path == "/hook"


# --- Idempotency --------------------------------------------------------------------


def test_delivered_row_is_not_sent_again(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver() as receiver:
        delivery = _pending(developer, receiver.url)
        assert attempt_delivery(delivery.pk) == "delivered"
        assert attempt_delivery(delivery.pk) == "skipped"
        assert len(receiver.received) == 1
    assert delivery.attempts.count() == 1


def test_row_held_by_another_worker_is_skipped(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver() as receiver:
        delivery = _pending(developer, receiver.url)
        CallbackDelivery.objects.filter(pk=delivery.pk).update(
            claimed_until=timezone.now() + timedelta(seconds=60)
        )
        assert attempt_delivery(delivery.pk) == "skipped"
        assert receiver.received == []


def test_missing_row_is_skipped(db):
    assert attempt_delivery(987654) == "skipped"


# --- Backoff, sweep, redelivery, secrets --------------------------------------------


def test_backoff_spans_about_a_day(settings, monkeypatch):
    monkeypatch.setattr("callbacks.delivery.random.uniform", lambda a, b: 1.0)
    waits = [backoff_seconds(n) for n in range(1, settings.CALLBACK_MAX_ATTEMPTS)]
    assert waits[:3] == [30, 120, 480]
    assert max(waits) == settings.CALLBACK_BACKOFF_MAX_SECONDS
    assert 20 * 3600 < sum(waits) < 28 * 3600


def test_backoff_has_jitter():
    assert len({round(backoff_seconds(3), 3) for _ in range(20)}) > 1


def test_sweep_enqueues_only_due_unclaimed_pending_rows(async_developer, settings, monkeypatch):
    settings.CALLBACK_SWEEP_GRACE_SECONDS = 60
    enqueued = []
    monkeypatch.setattr(
        outbox, "enqueue_delivery", lambda pk, countdown=None: enqueued.append(pk) or True
    )
    old = timezone.now() - timedelta(minutes=5)
    due = [defer(async_developer)[2] for _ in range(5)]
    fresh, claimed, delivered, failed = due[1:]
    CallbackDelivery.objects.filter(pk__in=[d.pk for d in due]).update(next_attempt_at=old)
    CallbackDelivery.objects.filter(pk=fresh.pk).update(next_attempt_at=timezone.now())
    CallbackDelivery.objects.filter(pk=claimed.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=1)
    )
    CallbackDelivery.objects.filter(pk=delivered.pk).update(status="delivered")
    CallbackDelivery.objects.filter(pk=failed.pk).update(status="failed")
    assert outbox.enqueue_due_deliveries() == 1
    assert enqueued == [due[0].pk]


def test_beat_runs_the_sweep(settings):
    from portal.celery import app

    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("sweep_callbacks")
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"] <= 300
    app.loader.import_default_modules()
    assert entries[0]["task"] in app.tasks


def test_redeliver_gives_a_failed_delivery_one_more_attempt(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_MAX_ATTEMPTS = 1
    with Receiver([Reply(500), Reply(200)]) as receiver:
        delivery = _pending(developer, receiver.url)
        assert attempt_delivery(delivery.pk) == "failed"
        set_async_url(developer, receiver.url + "?v=2")
        redelivery.redeliver(delivery)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.max_attempts, delivery.url) == (
            "pending",
            2,
            receiver.url + "?v=2",
        )
        assert attempt_delivery(delivery.pk) == "delivered"
        first, second = receiver.wait_for(2)
    assert first.headers["X-Mpesa-Delivery-Id"] == second.headers["X-Mpesa-Delivery-Id"]
    assert second.path.endswith("?v=2")


def test_redeliver_refused_while_in_flight(async_developer):
    _, _, delivery = defer(async_developer)
    CallbackDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() + timedelta(seconds=30)
    )
    with pytest.raises(redelivery.RedeliveryRefused):
        redelivery.redeliver(delivery)


def test_signing_secret_created_once_encrypted_and_rotatable(developer):
    first = signing.get_signing_secret(developer)
    assert signing.get_signing_secret(developer).pk == first.pk
    assert first.secret.startswith("whsec_") and first.secret not in first.secret_encrypted
    rotated = signing.rotate_signing_secret(developer)
    assert rotated.secret != first.secret
    assert rotated.rotated_at is not None
    assert CallbackSigningSecret.objects.filter(user=developer).count() == 1


def test_verify_signature_rejects_tampering():
    body = b'{"input_ResultCode":"INS-0"}'
    header = "sha256=" + signing.sign("whsec_k", "id1", "1700000000", body)
    assert signing.verify_signature(
        "whsec_k", delivery_id="id1", timestamp="1700000000", body=body, header=header
    )
    assert not signing.verify_signature(
        "whsec_k", delivery_id="id1", timestamp="1700000000", body=body + b" ", header=header
    )


def test_retry_goes_to_the_developers_current_url(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver([Reply(404)]) as broken, Receiver() as fixed:
        set_async_url(developer, broken.url)
        _, _, delivery = defer(developer)
        assert attempt_delivery(delivery.pk) == "pending"
        set_async_url(developer, fixed.url)
        CallbackDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert attempt_delivery(delivery.pk) == "delivered"
        assert len(broken.received) == 1 and len(fixed.received) == 1
    assert [a.url for a in delivery.attempts.all()] == [broken.url, fixed.url]
