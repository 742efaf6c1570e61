"""/metrics in one process: off without METRICS_TOKEN, token-only, gauges from the
database at scrape time."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from callbacks.models import CallbackDelivery
from ops.models import Heartbeat
from tests.factories import ApiCallFactory

TOKEN = "scrape-token-for-tests-0123456789"  # noqa: S105 (a test value)


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_metrics_is_a_404_without_a_token_setting(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_needs_the_bearer_token(client, settings, db):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_gauges_are_read_from_the_database_at_scrape_time(client, settings, developer):
    settings.METRICS_TOKEN = TOKEN
    now = timezone.now()
    call = ApiCallFactory(api_key=developer.api_key, user=developer)
    for minutes in (5, 1):
        CallbackDelivery.objects.create(
            user=developer, api_call=call, operation="c2bPayment", url="https://example.com/",
            max_attempts=3, next_attempt_at=now - timedelta(minutes=minutes),
        )  # fmt: skip
    CallbackDelivery.objects.create(
        user=developer, operation="c2bPayment", url="https://example.com/",
        max_attempts=3, next_attempt_at=now + timedelta(minutes=5),
    )  # fmt: skip
    Heartbeat.objects.create(name="worker", seen_at=now - timedelta(seconds=40))
    found = scrape(client)
    assert found["portal_callback_outbox_backlog[]"] == 2
    assert 295 <= found["portal_callback_oldest_due_age_seconds[]"] <= 330
    assert 40 <= found["portal_worker_heartbeat_age_seconds[]"] <= 70
    assert found["portal_golive_requests[('state', 'submitted')]"] == 0
    queue = [value for name, value in found.items() if name.startswith("portal_celery_queue")]
    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert len(queue) == 1 and queue[0] >= 0  # Redis (CI): the list's length
    else:
        assert queue == []  # the embedded broker has no queue to measure: left out


def test_celery_queue_length_is_the_redis_list_length(settings):
    import redis

    from ops.metrics import celery_queue_length
    from tests.faults.processes import RedisServer, scratch_dir

    with scratch_dir("portal-queue-") as tmp:
        server = RedisServer(tmp).start()
        try:
            settings.CELERY_BROKER_URL = server.url
            settings.CELERY_TASK_DEFAULT_QUEUE = "metrics-test"
            client = redis.Redis.from_url(server.url)
            assert celery_queue_length() == 0
            client.rpush("metrics-test", "a", "b", "c")
            assert celery_queue_length() == 3
            server.stop()
            assert celery_queue_length() is None  # Redis gone: unknown, not an error
        finally:
            server.stop()
