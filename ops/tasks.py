from celery import shared_task
from django.utils import timezone

from ops.models import Heartbeat


# The explicit name is the one the task had when it lived in portal/tasks.py: beat
# schedules and messages already queued under that name keep working.
@shared_task(name="portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat() -> None:
    """Run by beat through the worker: /healthz shows how long ago the worker was seen."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": timezone.now()})
