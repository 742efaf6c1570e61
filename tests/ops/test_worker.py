"""The Celery wiring: a real worker consumes from the configured broker (filesystem on
the embedded defaults, Redis when REDIS_URL is set) and beat is configured."""

import threading
import time

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.db import connection, transaction
from django.db.backends.signals import connection_created

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


def test_worker_keeps_its_database_connection_between_tasks(celery_worker):
    """A worker thread opens one connection and keeps it from task to task (Celery's
    Django fixup would open one per task; portal/celery.py keeps Django's rule)."""
    main = threading.get_ident()
    opened: list[int] = []
    finished = threading.Semaphore(0)

    def on_connect(sender, connection, **kwargs):
        if threading.get_ident() != main:
            opened.append(threading.get_ident())

    def on_finish(sender=None, **kwargs):
        if sender is not None and sender.name == record_heartbeat.name:
            finished.release()

    connection_created.connect(on_connect, weak=False)
    task_postrun.connect(on_finish, weak=False)
    try:
        for _ in range(6):  # one at a time
            record_heartbeat.delay()
            assert finished.acquire(timeout=20)
    finally:
        connection_created.disconnect(on_connect)
        task_postrun.disconnect(on_finish)
    assert 1 <= len(opened) <= 2  # the worker has two threads


def test_a_task_run_eagerly_leaves_its_callers_connection_alone(db):
    """An eager task runs inside its caller's transaction: the connection that holds
    that transaction is neither checked nor closed around it."""
    with transaction.atomic():
        raw = connection.connection
        record_heartbeat.apply()
        assert connection.connection is raw
        assert Heartbeat.objects.filter(name="worker").exists()
