from celery import shared_task
from django.utils import timezone

from ops import alerts
from ops.models import Heartbeat


# The explicit name is the one the task had when it lived in portal/tasks.py: beat
# schedules and messages already queued under that name keep working.
@shared_task(name="portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat() -> None:
    """Run by beat through the worker: /healthz shows how long ago the worker was seen."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": timezone.now()})


@shared_task(name="ops.tasks.send_developer_alerts", ignore_result=True)
def send_developer_alerts() -> int:
    """Run by beat: callback failure digests and error-rate alerts (ops/alerts.py).
    Safe to run twice: each alert is rate-limited by the DeveloperAlert rows."""
    return alerts.send_callback_failure_digests() + alerts.send_error_rate_alerts()
