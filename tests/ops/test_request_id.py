"""The request id: made at the edge, returned in X-Request-ID, written on JSON log lines,
and carried through Celery into the delivery of the callback the call caused."""

from __future__ import annotations

import io
import json
import logging
import time
from contextlib import contextmanager

import pytest

from callbacks.models import CallbackDelivery
from catalog import get_api, get_market
from telemetry import context
from telemetry.logs import JsonFormatter, RequestIdFilter
from tests.callbacks.callback_receiver import Receiver
from tests.factories import set_async_url
from tests.sandbox.helpers import GATEWAY_PREFIX, bearer_for


@contextmanager
def json_log():
    """Every log line of this process (web thread and worker threads) as JSON objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


def c2b(client, developer, **headers):
    body = get_api("c2bPayment").sample_request(get_market("vodafoneGHA"))
    return client.post(
        f"{GATEWAY_PREFIX}/vodafoneGHA/c2bPayment/singleStage/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bearer_for(developer.api_key_plaintext)}",
        **headers,
    )


def test_each_response_carries_a_new_request_id(client, developer):
    first = c2b(client, developer)
    second = client.get("/healthz")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    for value in (first["X-Request-ID"], second["X-Request-ID"]):
        assert context.acceptable(value) and '"' not in value


def test_a_client_cannot_choose_its_request_id_without_a_trusted_proxy(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client.get("/healthz", HTTP_X_REQUEST_ID="mine-1")["X-Request-ID"] != "mine-1"


def test_a_trusted_proxys_request_id_is_kept_when_well_formed(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-42.a_b")["X-Request-ID"] == "lb-42.a_b"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x", evil="1')["X-Request-ID"]
    assert '"' not in forged and forged != 'x", evil="1'


def test_json_lines_carry_level_logger_message_request_id_and_extra_fields():
    with json_log() as lines:
        token = context.request_id.set("rid-1")
        logging.getLogger("ops.test").warning("hello %s", "there", extra={"attempt": 3})
        context.request_id.reset(token)
    [line] = [entry for entry in lines if entry["logger"] == "ops.test"]
    assert line["level"] == "WARNING" and line["message"] == "hello there"
    assert line["request_id"] == "rid-1" and line["attempt"] == 3 and line["ts"]


@pytest.mark.celery_worker
def test_the_delivery_log_lines_carry_the_request_id_of_the_call(
    celery_worker, client, developer, settings
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver() as receiver, json_log() as lines:
        set_async_url(developer, receiver.url)
        response = c2b(client, developer)
        assert response.status_code == 201, response.content
        receiver.wait_for(1)
        deadline = time.monotonic() + 30
        while CallbackDelivery.objects.get().status != "delivered":
            assert time.monotonic() < deadline, "the callback was not delivered"
            time.sleep(0.05)
        time.sleep(0.2)  # the worker logs just after recording
    request_id = response["X-Request-ID"]
    delivery_lines = [entry for entry in lines if entry["logger"] == "callbacks.delivery"]
    assert delivery_lines, lines
    assert all(entry["request_id"] == request_id for entry in delivery_lines)
    request_lines = [entry for entry in lines if entry["logger"] == "portal.requests"]
    assert [entry["request_id"] for entry in request_lines] == [request_id]
