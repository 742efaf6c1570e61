from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ops import alerts
from ops.models import Heartbeat

# Beat sends the heartbeat every 30 s (CELERY_BEAT_SCHEDULE): a longer silence than this
# is a gap, after which the worker counts as up again only from its next heartbeat.
HEARTBEAT_GAP = timedelta(seconds=90)


# The explicit name is the one the task had when it lived in portal/tasks.py: beat
# schedules and messages already queued under that name keep working.
@shared_task(name="portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat() -> None:
    """Run by beat through the worker: /healthz shows how long ago the worker was seen,
    /status/ for how long it has answered without a gap."""
    now = timezone.now()
    beat = Heartbeat.objects.filter(name="worker").first()
    if beat is None:
        Heartbeat.objects.create(name="worker", seen_at=now, up_since=now)
        return
    if beat.up_since is None or now - beat.seen_at > HEARTBEAT_GAP:
        beat.up_since = now
    beat.seen_at = now
    beat.save(update_fields=["seen_at", "up_since"])


@shared_task(name="ops.tasks.send_developer_alerts", ignore_result=True)
def send_developer_alerts() -> int:
    """Run by beat: callback failure digests and error-rate alerts (ops/alerts.py).
    Safe to run twice: each alert is rate-limited by the DeveloperAlert rows."""
    return alerts.send_callback_failure_digests() + alerts.send_error_rate_alerts()
