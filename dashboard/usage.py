"""The usage panel of the signed-in home page: today's calls, failing callbacks, and
keys whose overlap is running out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import ApiKey, User
from callbacks.models import CallbackDelivery
from sandbox.models import ApiCall


@dataclass
class Usage:
    calls_today: int
    success_rate: int | None  # percent; None without calls
    failing_callbacks: int
    expiring_keys: list[ApiKey]


def usage_for(user: User, *, now: datetime | None = None) -> Usage:
    now = now or timezone.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # sandbox_apicall_user_created (user, created_at) serves the day's calls.
    today = ApiCall.objects.filter(user=user, created_at__gte=midnight).aggregate(
        total=Count("pk"), ok=Count("pk", filter=Q(is_success=True))
    )
    # sandbox_cbdelivery_user (user, -created_at): failed, or retrying after a failure.
    failing = (
        CallbackDelivery.objects.filter(user=user)
        .filter(
            Q(status=CallbackDelivery.Status.FAILED)
            | Q(status=CallbackDelivery.Status.PENDING, attempt_count__gt=0)
        )
        .count()
    )
    expiring = list(
        ApiKey.objects.filter(user=user, retired_at__gt=now)
        .select_related("application")
        .order_by("retired_at")
    )
    total = today["total"]
    return Usage(
        calls_today=total,
        success_rate=round(100 * today["ok"] / total) if total else None,
        failing_callbacks=failing,
        expiring_keys=expiring,
    )
