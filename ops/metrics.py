"""`/metrics` for Prometheus: the counters of every gunicorn worker (multiprocess mode)
and the gauges computed at scrape time from the database and the broker.

The endpoint is off (404) unless METRICS_TOKEN is set, and then answers only a request
with `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from callbacks.models import CallbackDelivery
from golive.models import GoLiveRequest
from ops.models import Heartbeat


class DatabaseCollector:
    """Gauges read at scrape time; each is one indexed query (or one broker command)."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        # sandbox_cbdelivery_sweep (status, next_attempt_at) answers both.
        due = CallbackDelivery.objects.filter(
            status=CallbackDelivery.Status.PENDING, next_attempt_at__lte=now
        ).aggregate(n=Count("pk"), oldest=Min("next_attempt_at"))
        backlog = GaugeMetricFamily(
            "portal_callback_outbox_backlog", "Callback deliveries due and not yet delivered."
        )
        backlog.add_metric([], due["n"])
        yield backlog
        age = GaugeMetricFamily(
            "portal_callback_oldest_due_age_seconds",
            "How long the oldest due callback delivery has waited (0 when none is due).",
        )
        age.add_metric([], (now - due["oldest"]).total_seconds() if due["oldest"] else 0.0)
        yield age

        golive = GaugeMetricFamily(
            "portal_golive_requests", "Go Live requests by state.", labels=["state"]
        )
        # golive_request_status_sub (status, -submitted_at) serves the grouping.
        counts = dict(
            GoLiveRequest.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        for state in GoLiveRequest.Status.values:
            golive.add_metric([state], counts.get(state, 0))
        yield golive

        heartbeat = Heartbeat.objects.filter(name="worker").values_list("seen_at", flat=True)
        seen_at = heartbeat.first()
        if seen_at is not None:
            beat = GaugeMetricFamily(
                "portal_worker_heartbeat_age_seconds",
                "Seconds since beat's heartbeat task last ran on a worker.",
            )
            beat.add_metric([], (now - seen_at).total_seconds())
            yield beat

        length = celery_queue_length()
        if length is not None:
            queue = GaugeMetricFamily(
                "portal_celery_queue_length",
                "Messages waiting in the Celery queue (Redis broker only).",
                labels=["queue"],
            )
            queue.add_metric([settings.CELERY_TASK_DEFAULT_QUEUE], length)
            yield queue


def celery_queue_length() -> int | None:
    """LLEN of the default queue on a Redis broker; None (the gauge is left out: unknown)
    on the embedded filesystem broker or when Redis does not answer."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return int(client.llen(settings.CELERY_TASK_DEFAULT_QUEUE))
    except redis.RedisError:
        return None


def registry() -> CollectorRegistry:
    """A registry for one scrape: every process's counters, then the gauges."""
    scrape = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(scrape)
    else:
        scrape.register(REGISTRY)  # one process: its own registry
    scrape.register(DatabaseCollector())
    return scrape


def _authorised(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorised(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = "Bearer"
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
