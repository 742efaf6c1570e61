"""Celery tasks of the callbacks: one delivery attempt, and the sweep that backs it up.

Their names are the ones they had in sandbox/tasks.py (outbox.DELIVER_TASK,
outbox.SWEEP_TASK): messages already queued, and beat's schedule, keep working.
"""

from __future__ import annotations

from celery import shared_task

from callbacks import delivery, outbox


# Retries are not Celery's: the schedule lives in the outbox row (attempt_count,
# next_attempt_at), so it survives a lost message or a broker restart, and each retry
# is a new message enqueued when the previous attempt is recorded.
@shared_task(name=outbox.DELIVER_TASK, ignore_result=True, acks_late=True)
def deliver_callback(delivery_id: int) -> str:
    """One attempt to deliver the CallbackDelivery with primary key `delivery_id`.
    Safe to run twice: the row is claimed before posting."""
    return delivery.attempt_delivery(delivery_id)


@shared_task(name=outbox.SWEEP_TASK, ignore_result=True)
def sweep_callbacks() -> int:
    """celery beat: enqueue every due delivery that no worker picked up."""
    return outbox.enqueue_due_deliveries()
