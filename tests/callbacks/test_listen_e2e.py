"""`python -m mpesa_portal_sdk listen` end to end (docs/callbacks.md, "Forwarding to
localhost"): the portal over real HTTP (live_server), a real Celery worker, the listen
process as a subprocess, and a local receiver that gets the callback; its answer shows
in the portal's delivery log."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from standardwebhooks import Webhook

from accounts import keys
from accounts.keys import default_application
from callbacks.models import CallbackDelivery, CallbackSettings
from callbacks.signing import get_signing_secret
from callbacks.testsend import send_test_callback
from tests.callbacks.callback_receiver import Receiver

SDK_SRC = Path(django_settings.BASE_DIR) / "sdk" / "python" / "src"


def start_listen(portal: str, developer, forward_to: str, count: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SDK_SRC)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mpesa_portal_sdk",
            "listen",
            "--portal",
            portal,
            "--api-key",
            developer.api_key_plaintext,
            "--public-key",
            keys.current_keypair().public_key_b64,
            "--forward-to",
            forward_to,
            "--wait",
            "2",
            "--count",
            str(count),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def connected(developer) -> bool:
    return CallbackSettings.objects.filter(
        application=default_application(developer), listener_seen_at__isnull=False
    ).exists()


@pytest.fixture
def public_url(receiver):
    """The application's Asynchronous Response URL (conftest's `receiver`): must get
    nothing while listening."""
    return receiver


@pytest.mark.celery_worker
def test_listen_forwards_a_real_callback_and_reports_the_answer(
    celery_worker, gw, developer, public_url
):
    with Receiver() as local:
        listen = start_listen(gw.base_url, developer, local.url, count=1)
        try:
            wait_until(lambda: connected(developer), what="the listener's first poll")
            response = gw.c2b(**gw.sample("c2bPayment"))
            assert response.status_code == 201, response.text
            [got] = local.wait_for(1, timeout=30)
            out, err = listen.communicate(timeout=30)
        finally:
            if listen.poll() is None:
                listen.kill()
    assert listen.returncode == 0, err
    # Signed as the portal signs: the official library verifies the forwarded callback.
    secret = get_signing_secret(developer).secret
    assert Webhook(secret).verify(got.body, got.headers)["input_ResultCode"] == "INS-0"
    assert "c2bPayment" in out and "-> 200" in out
    delivery = wait_until(
        lambda: CallbackDelivery.objects.filter(status="delivered").first(), what="delivered"
    )
    assert got.headers["X-Mpesa-Delivery-Id"] == delivery.delivery_id
    [attempt] = delivery.attempts.all()
    assert attempt.via_listener and attempt.http_status == 200
    assert local.url in attempt.url
    assert "Successfully Accepted Result" in attempt.response_excerpt
    assert delivery.acknowledged_code == "0"
    assert public_url.received == []  # the listener took precedence over the URL
    # Stopped cleanly: the URL has the callbacks again.
    assert not CallbackSettings.objects.get().listener_seen_at


def test_listen_reports_a_local_url_that_is_down(
    live_server, transactional_db, developer, public_url
):
    with Receiver() as closed:
        down_url = closed.url  # the port is closed once the receiver stops
    listen = start_listen(live_server.url, developer, down_url, count=1)
    try:
        wait_until(lambda: connected(developer), what="the listener's first poll")
        delivery = send_test_callback(
            default_application(developer), api_slug="c2bPayment", code="INS-0"
        )
        out, err = listen.communicate(timeout=30)
    finally:
        if listen.poll() is None:
            listen.kill()
    assert listen.returncode == 0, err
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.next_attempt_at > delivery.created_at
    [attempt] = delivery.attempts.all()
    assert attempt.via_listener and attempt.http_status is None
    assert attempt.error.startswith("Local URL unreachable")
    assert delivery.last_error == attempt.error
    assert public_url.received == []
