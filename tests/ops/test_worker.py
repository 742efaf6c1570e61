"""The Celery wiring: a real worker consumes from the configured broker (filesystem on
the embedded defaults, Redis when REDIS_URL is set) and beat is configured."""

import time

import pytest
from django.conf import settings

from ops.models import Heartbeat
from ops.tasks import record_heartbeat
from portal.celery import app

pytestmark = pytest.mark.celery_worker


def test_worker_runs_a_task_sent_through_the_broker(celery_worker):
    print("broker:", app.connection_for_write().as_uri())
    record_heartbeat.delay()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not Heartbeat.objects.filter(name="worker").exists():
        time.sleep(0.2)
    assert Heartbeat.objects.filter(name="worker").exists()


def test_beat_sends_the_heartbeat_every_30_seconds():
    entry = settings.CELERY_BEAT_SCHEDULE["record-worker-heartbeat"]

    assert entry["task"] == "portal.tasks.record_heartbeat"
    assert entry["schedule"] == 30.0
    assert entry["task"] in app.tasks
