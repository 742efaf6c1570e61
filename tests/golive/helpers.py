"""Building blocks for Go Live tests: calls in the sandbox log and a generated report."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission
from django.utils import timezone

from golive.evidence import REQUIRED_OPERATIONS
from reports.queries import Selection
from reports.services import generate_report
from tests import factories


def grant_review_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="review_golive"))
    # Permissions are cached on the instance; a fresh one sees the new grant.
    return type(user).objects.get(pk=user.pk)


def log_calls(user, *, successes=REQUIRED_OPERATIONS, failures=("c2bPayment",), when=None):
    """One successful call per operation in `successes`, one failed per `failures`."""
    when = when or timezone.now() - timedelta(minutes=5)
    for operation in successes:
        factories.ApiCallFactory(api_key=user.api_key, operation=operation, created_at=when)
    for operation in failures:
        factories.ApiCallFactory(
            api_key=user.api_key,
            operation=operation,
            created_at=when,
            is_success=False,
            result_code="INS-2006",
            result_desc="Insufficient balance",
            http_status=422,
        )


def make_report(user, **selection):
    """Generate a report over today (UTC) through the reports app, as "Generate" does."""
    today = timezone.now().date()
    values = {"api_key": user.api_key, "date_from": today - timedelta(days=1), "date_to": today}
    values.update(selection)
    return generate_report(user, selection=Selection(tz=ZoneInfo("UTC"), **values))


def ready_report(user):
    log_calls(user)
    return make_report(user)
