"""The callback tools (issue 15; docs/callbacks.md, "Callback tools"): Send test
callback, fault injection counted at a real receiver, the listener's claim and report,
and the hanging transactions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.keys import default_application
from accounts.models import Application
from callbacks import listener
from callbacks.delivery import LOST_ATTEMPT_ERROR, attempt_delivery
from callbacks.faults import settings_for
from callbacks.models import CallbackDelivery
from callbacks.testsend import send_test_callback
from callbacks.tools import hanging_deliveries
from tests.factories import set_async_url
from tests.sandbox.helpers import auth_header

LIST = reverse("callbacks:delivery-list")
SEND_TEST = reverse("callbacks:send-test")


def sample_delivery(developer, **faults) -> CallbackDelivery:
    application = default_application(developer)
    if faults:
        row = settings_for(application)
        for name, value in faults.items():
            setattr(row, name, value)
        row.save()
    return send_test_callback(application, api_slug="c2bPayment", code="INS-0")


def due_now(delivery: CallbackDelivery) -> None:
    CallbackDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


# --- Send test callback ---------------------------------------------------------------


def test_send_test_callback_goes_through_the_outbox_and_is_marked(
    developer_client, developer, receiver, django_capture_on_commit_callbacks
):
    response = developer_client.post(
        SEND_TEST,
        {
            "application": default_application(developer).pk,
            "api": "b2cPayment",
            "result_code": "INS-2006",
        },
    )
    assert response.status_code == 302
    delivery = CallbackDelivery.objects.get()
    assert delivery.is_test and delivery.operation == "b2cPayment"
    assert delivery.payload["input_ResultCode"] == "INS-2006"
    assert attempt_delivery(delivery.pk) == "delivered"
    [got] = receiver.wait_for(1)
    assert got.headers["X-Mpesa-Test"] == "1"
    assert got.headers["webhook-id"] == delivery.delivery_id
    html = developer_client.get(LIST).content.decode()
    table = html.split('id="deliveries"', 1)[1].split('id="test-callback"', 1)[0]
    assert 'b2cPayment <span class="badge">test</span>' in table


def test_send_test_callback_refuses_a_code_the_api_does_not_answer(developer_client, developer):
    response = developer_client.post(
        SEND_TEST,
        {
            "application": default_application(developer).pk,
            "api": "b2cPayment",
            "result_code": "INS-30",
        },
    )
    assert response.status_code == 400
    assert "does not answer INS-30" in response.content.decode()
    assert not CallbackDelivery.objects.exists()


def test_send_test_callback_refuses_another_developers_application(
    developer_client, other_developer
):
    response = developer_client.post(
        SEND_TEST,
        {
            "application": default_application(other_developer).pk,
            "api": "c2bPayment",
            "result_code": "INS-0",
        },
    )
    assert response.status_code == 400
    assert not CallbackDelivery.objects.exists()


def test_send_test_callback_needs_somewhere_to_deliver(developer_client, developer):
    set_async_url(developer, "")
    response = developer_client.post(
        SEND_TEST,
        {
            "application": default_application(developer).pk,
            "api": "c2bPayment",
            "result_code": "INS-0",
        },
    )
    assert response.status_code == 302
    assert not CallbackDelivery.objects.exists()


# --- Fault injection (counted at a real receiver) -------------------------------------


def test_faults_are_off_by_default_and_saved_per_application(developer_client, developer):
    application = default_application(developer)
    assert not settings_for(application).any_fault
    url = reverse("callbacks:fault-settings", args=[application.pk])
    prefix = f"app{application.pk}-"
    response = developer_client.post(
        url, {prefix + "delay_seconds": "5", prefix + "duplicate": "on"}
    )
    assert response.status_code == 302
    row = settings_for(application)
    assert (row.delay_seconds, row.duplicate, row.fail_first, row.shuffle) == (
        5,
        True,
        False,
        False,
    )
    # Out of range: refused, unchanged.
    developer_client.post(url, {prefix + "delay_seconds": "301"})
    assert settings_for(application).delay_seconds == 5


def test_fault_settings_of_another_developer_are_404(developer_client, other_developer):
    application = default_application(other_developer)
    url = reverse("callbacks:fault-settings", args=[application.pk])
    assert developer_client.post(url, {}).status_code == 404


def test_fail_first_records_an_injected_failure_without_posting(developer, receiver, settings):
    delivery = sample_delivery(developer, fail_first=True)
    assert attempt_delivery(delivery.pk) == "pending"
    assert receiver.received == []
    first = delivery.attempts.get()
    assert first.injected and not first.is_success and first.http_status is None
    due_now(delivery)
    assert attempt_delivery(delivery.pk) == "delivered"
    assert len(receiver.wait_for(1)) == 1
    assert [a.injected for a in delivery.attempts.order_by("number")][1] == ""
    assert CallbackDelivery.objects.get().fault_labels == ["first attempt failed"]


def test_duplicate_posts_the_same_delivery_twice(developer, receiver):
    delivery = sample_delivery(developer, duplicate=True)
    assert attempt_delivery(delivery.pk) == "delivered"
    got = receiver.wait_for(2)
    assert len(got) == 2
    assert {g.headers["webhook-id"] for g in got} == {delivery.delivery_id}
    assert got[0].body == got[1].body
    attempts = list(delivery.attempts.order_by("number"))
    assert [a.injected != "" for a in attempts] == [False, True]
    assert all(a.is_success for a in attempts)
    # A second copy of the task does not send a third one.
    assert attempt_delivery(delivery.pk) == "skipped"
    assert len(receiver.received) == 2


def test_delay_holds_the_first_attempt(developer, receiver):
    delivery = sample_delivery(developer, delay_seconds=120)
    assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=110)
    assert attempt_delivery(delivery.pk) == "skipped"  # not due yet
    assert receiver.received == []
    assert delivery.fault_labels == ["delayed 120 s"]


def test_shuffle_holds_each_delivery_a_random_time(developer, receiver, settings):
    settings.CALLBACK_SHUFFLE_WINDOW_SECONDS = 60
    deliveries = [sample_delivery(developer, shuffle=True) for _ in range(6)]
    holds = [d.faults["shuffle"] for d in deliveries]
    assert all(0 <= h <= 60 for h in holds) and len(set(holds)) > 1
    for d in deliveries:
        assert d.next_attempt_at - d.created_at == timedelta(seconds=d.faults["shuffle"])
    for d in deliveries:
        due_now(d)
        assert attempt_delivery(d.pk) == "delivered"
    assert len(receiver.wait_for(6)) == 6


@pytest.mark.celery_worker
def test_faults_through_a_real_worker(celery_worker, developer, receiver, settings):
    """A real worker: the duplicate and the retry after the injected failure arrive."""
    settings.CALLBACK_BACKOFF_BASE_SECONDS = 0.5
    settings.CALLBACK_SHUFFLE_WINDOW_SECONDS = 1
    sample_delivery(developer, fail_first=True, duplicate=True, shuffle=True)
    got = receiver.wait_for(2, timeout=30)
    assert len({g.headers["webhook-id"] for g in got}) == 1
    delivery = CallbackDelivery.objects.get()
    attempts = list(delivery.attempts.order_by("number"))
    assert len(attempts) == 3 and attempts[0].injected and attempts[2].injected
    assert delivery.status == "delivered"


# --- The listener's claim and report (the HTTP endpoints, in process) ----------------


NEXT = reverse("callbacks-listen-next")


def result_url(delivery_id: str) -> str:
    return reverse("callbacks-listen-result", args=[delivery_id])


def test_listen_requires_the_bearer(client, db):
    response = client.get(NEXT, {"wait": 0}, HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API Key"}


def test_listen_delivers_to_the_listener_and_records_its_answer(client, developer, receiver):
    headers = auth_header(developer.api_key_plaintext)
    assert client.get(NEXT, {"wait": 0}, headers=headers).status_code == 204
    delivery = sample_delivery(developer)
    # The worker leaves it to the connected listener.
    assert attempt_delivery(delivery.pk) == "listener"
    message = client.get(NEXT, {"wait": 0}, headers=headers).json()
    assert message["id"] == delivery.delivery_id and message["attempt"] == 1
    assert message["headers"]["webhook-signature"].startswith("v1,")
    report = {
        "attempt": 1,
        "status": 200,
        "body": '{"output_ResponseCode": "0"}',
        "duration_ms": 3,
        "url": "http://localhost:3000/cb",
    }
    response = client.post(
        result_url(delivery.delivery_id), report, content_type="application/json", headers=headers
    )
    assert response.json() == {"status": "delivered"}
    delivery.refresh_from_db()
    assert delivery.acknowledged_code == "0"
    attempt = delivery.attempts.get()
    assert attempt.via_listener and attempt.url.endswith("http://localhost:3000/cb")
    # The same report twice is refused (409), nothing is recorded twice.
    again = client.post(
        result_url(delivery.delivery_id), report, content_type="application/json", headers=headers
    )
    assert again.status_code == 409
    assert receiver.received == []  # nothing went to the URL


def test_a_local_url_that_is_down_is_a_failed_attempt_and_retried(client, developer, receiver):
    headers = auth_header(developer.api_key_plaintext)
    listener.touch(default_application(developer))
    delivery = sample_delivery(developer)
    message = client.get(NEXT, {"wait": 0}, headers=headers).json()
    report = {
        "attempt": message["attempt"],
        "status": None,
        "error": "Local URL unreachable: refused",
    }
    response = client.post(
        result_url(delivery.delivery_id), report, content_type="application/json", headers=headers
    )
    assert response.json() == {"status": "pending"}
    delivery.refresh_from_db()
    assert delivery.last_error == "Local URL unreachable: refused"
    assert delivery.next_attempt_at > timezone.now()


def test_each_delivery_goes_to_one_listener_and_a_lost_lease_is_logged(developer, receiver):
    application = default_application(developer)
    listener.touch(application)
    delivery = sample_delivery(developer)
    first = listener.claim_next(application)
    assert first is not None and first.pk == delivery.pk
    assert listener.claim_next(application) is None  # a second listener gets nothing
    # The first listener disconnects mid-delivery: its lease expires.
    CallbackDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    second = listener.claim_next(application)
    assert second is not None and second.attempt_count == 2
    lost = delivery.attempts.get(number=1)
    assert lost.error == LOST_ATTEMPT_ERROR
    with pytest.raises(listener.ListenerReportRefused):
        listener.report(application, delivery.public_id, attempt=1, status=200)


def test_a_listener_that_goes_away_hands_back_to_the_url(client, developer, receiver, settings):
    application = default_application(developer)
    headers = auth_header(developer.api_key_plaintext)
    listener.touch(application)
    delivery = sample_delivery(developer)
    assert attempt_delivery(delivery.pk) == "listener"
    client.post(reverse("callbacks-listen-disconnect"), headers=headers)
    assert attempt_delivery(delivery.pk) == "delivered"
    assert len(receiver.wait_for(1)) == 1


def test_listeners_are_per_application(developer, receiver):
    other = Application.objects.create(user=developer, name="Other")
    listener.touch(other)
    delivery = sample_delivery(developer)  # the Default application has no listener
    assert attempt_delivery(delivery.pk) == "delivered"


# --- Hanging transactions -------------------------------------------------------------


def make(developer, *, minutes_ago, status="pending", is_test=False, error="", conversation_id=""):
    created = timezone.now() - timedelta(minutes=minutes_ago)
    return CallbackDelivery.objects.create(
        user=developer,
        application=default_application(developer),
        operation="c2bPayment",
        conversation_id=conversation_id,
        url="http://127.0.0.1:9/cb",
        payload={},
        status=status,
        max_attempts=8,
        next_attempt_at=created,
        created_at=created,
        is_test=is_test,
        last_error=error,
    )


def test_hanging_lists_undelivered_async_results_after_the_threshold(developer_client, developer):
    retrying = make(developer, minutes_ago=11, error="HTTP 500: boom", conversation_id="hang1")
    failed = make(
        developer,
        minutes_ago=60,
        status="failed",
        error="Connection failed",
        conversation_id="hang2",
    )
    make(developer, minutes_ago=5, conversation_id="young")
    make(developer, minutes_ago=30, status="delivered", conversation_id="done")
    make(developer, minutes_ago=30, is_test=True, conversation_id="sample")
    assert list(hanging_deliveries(developer)) == [failed, retrying]
    html = developer_client.get(LIST).content.decode()
    section = html.split('id="hanging"', 1)[1].split("</section>", 1)[0]
    assert "hang1" in section and "HTTP 500: boom" in section and "Connection failed" in section
    assert "young" not in section and "done" not in section and "sample" not in section
