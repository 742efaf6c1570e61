"""The callback tasks keep the names they had in sandbox/tasks.py: messages queued
before the move, and beat's schedule, name them that way."""

from __future__ import annotations

from callbacks import outbox, tasks
from portal.celery import app


def test_queued_messages_of_the_old_names_run_the_callbacks_tasks():
    deliver = tasks.deliver_callback._get_current_object()
    sweep = tasks.sweep_callbacks._get_current_object()
    assert app.tasks["sandbox.tasks.deliver_callback"] is deliver
    assert app.tasks["sandbox.tasks.sweep_callbacks"] is sweep


def test_the_outbox_sends_the_registered_delivery_task(monkeypatch):
    """The outbox sends by name (callbacks/outbox.py): the name resolves to the task."""
    sent = []
    monkeypatch.setattr(
        tasks.deliver_callback,
        "apply_async",
        lambda args=None, kwargs=None, **options: sent.append((args, options["countdown"])),
    )
    assert outbox.enqueue_delivery(42, countdown=30) is True
    assert sent == [((42,), 30)]
