from celery import shared_task
from django.utils import timezone

from portal.models import Heartbeat


@shared_task(ignore_result=True)
def record_heartbeat() -> None:
    """Run by beat through the worker: /healthz shows how long ago the worker was seen."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": timezone.now()})
