from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops import health
from ops.models import Heartbeat


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """State of database, cache and broker: 200 when all answer, 503 otherwise.

    The worker's last heartbeat is reported for information; it does not fail the probe,
    because a web process is healthy even while workers restart.
    """
    checks = {
        "database": health.check_database(),
        "cache": health.check_cache(),
        "broker": health.check_broker(),
    }
    body: dict = {
        name: ({"ok": True} if error is None else {"ok": False, "error": error})
        for name, error in checks.items()
    }
    healthy = all(error is None for error in checks.values())
    if checks["database"] is None:
        beat = Heartbeat.objects.filter(name="worker").first()
        body["worker"] = {
            "last_seen_seconds_ago": (
                round((timezone.now() - beat.seen_at).total_seconds()) if beat else None
            )
        }
    body["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)
