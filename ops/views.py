from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops import health
from ops.models import Heartbeat
from ops.tasks import HEARTBEAT_GAP


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


@dataclass
class _Part:
    name: str
    what: str
    error: str | None
    since: datetime | None
    up_for: str | None = None

    @property
    def up(self) -> bool:
        return self.error is None


def _duration(seconds: float) -> str:
    """'3 days 4 h', '2 h 5 min', '4 min', 'less than a minute'."""
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return ngettext("%(days)d day %(hours)d h", "%(days)d days %(hours)d h", days) % {
            "days": days,
            "hours": hours,
        }
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return _("less than a minute")


@never_cache
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """The human twin of /healthz: is each part up, and for how long ("up for": the web
    process's start for the portal and the gateway it serves; for callback delivery, the
    first heartbeat of the worker's current run without a gap)."""
    now = timezone.now()
    web_error = health.check_database() or health.check_cache()
    beat = None if health.check_database() else Heartbeat.objects.filter(name="worker").first()
    delivery_error: str | None = health.check_broker()
    if beat is None:
        delivery_error = delivery_error or _("the background worker has not been seen yet")
    elif now - beat.seen_at > HEARTBEAT_GAP:
        delivery_error = delivery_error or (
            _("the background worker was last seen %(duration)s ago")
            % {"duration": _duration((now - beat.seen_at).total_seconds())}
        )
    parts = [
        _Part(
            _("Portal"),
            _("these pages, My Profile, reports and Go Live"),
            web_error,
            health.PROCESS_STARTED,
        ),
        _Part(
            _("Sandbox gateway"),
            _("the /sandbox/ipg/v2/ API your calls go to"),
            health.check_gateway(),
            health.PROCESS_STARTED,
        ),
        _Part(
            _("Callback delivery"),
            _("the background worker that POSTs callbacks to your URL"),
            delivery_error,
            beat.up_since if beat else None,
        ),
    ]
    for part in parts:
        if part.up and part.since:
            part.up_for = _duration((now - part.since).total_seconds())
    all_up = all(part.up for part in parts)
    # Always 200: this page is for people; monitors read /healthz's status code.
    return render(request, "ops/status.html", {"parts": parts, "all_up": all_up, "checked_at": now})
