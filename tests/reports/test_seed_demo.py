"""manage.py seed_demo: a demo developer with a month of calls, idempotent."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import ApiKey, Application, User
from reports import queries, rollup
from reports.management.commands import seed_demo
from reports.models import CallSlot
from sandbox.models import ApiCall


def _run() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_a_developer_with_a_month_of_varied_calls(db):
    output = _run()

    user = User.objects.get(username=seed_demo.USERNAME)
    assert f"username '{seed_demo.USERNAME}', password '{seed_demo.PASSWORD}'" in output
    assert user.check_password(seed_demo.PASSWORD)
    assert user.emailaddress_set.filter(verified=True).exists()
    calls = ApiCall.objects.filter(user=user)
    assert calls.count() > 1000
    span = calls.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] > timedelta(days=28)
    assert span["last"] <= timezone.now()
    assert calls.filter(is_success=False).count() > 50
    assert calls.filter(is_async=True).exists()
    assert calls.values("operation").distinct().count() >= 5
    assert calls.values("result_code").distinct().count() >= 5
    # A key renewed halfway: the retired key has the first half of the calls.
    retired, active = ApiKey.objects.filter(user=user, application__is_default=True).order_by(
        "created_at"
    )
    assert retired.retired_at is not None and active.retired_at is None
    assert calls.filter(api_key=retired).exists() and calls.filter(api_key=active).exists()
    assert not calls.filter(api_key=retired, created_at__gte=retired.retired_at).exists()


def test_seed_demo_shows_two_applications_each_with_its_key_and_calls(db):
    output = _run()

    user = User.objects.get(username=seed_demo.USERNAME)
    default, payout = Application.objects.filter(user=user).order_by("-is_default", "name")
    assert (default.name, default.is_default) == ("Default", True)
    assert (payout.name, payout.is_default) == (seed_demo.PAYOUT_APPLICATION, False)
    payout_key = ApiKey.objects.get(application=payout)
    assert payout_key.is_current
    assert ApiKey.objects.filter(application=default).count() == 2
    payout_calls = ApiCall.objects.filter(api_key=payout_key)
    assert payout_calls.count() > 50
    assert payout_calls.filter(operation="b2cPayment").exists()
    assert f"key …{payout_key.last4}" in output
    # Every call belongs to one of the two applications' keys.
    assert ApiCall.objects.filter(user=user).exclude(api_key__application=default).count() == (
        payout_calls.count()
    )


def test_seed_demo_is_idempotent(db):
    _run()
    first = ApiCall.objects.count()
    user = User.objects.get(username=seed_demo.USERNAME)
    key = ApiKey.objects.get(user=user, retired_at__isnull=True, application__is_default=True)
    rollup.roll_up(key)  # a Generate between the two runs
    output = _run()
    # The replaced calls are rolled up afresh, so summaries count the new ones only.
    assert not CallSlot.objects.filter(api_key=key).exists()
    summary = queries.summarize(
        queries.Selection(key, (timezone.now() - timedelta(days=40)).date(), timezone.now().date())
    )
    assert summary["calls"] == ApiCall.objects.filter(api_key=key).count()
    assert User.objects.filter(username=seed_demo.USERNAME).count() == 1
    assert ApiKey.objects.filter(user__username=seed_demo.USERNAME).count() == 3
    assert Application.objects.filter(user__username=seed_demo.USERNAME).count() == 2
    assert ApiCall.objects.count() == first
    assert "Demo developer ready" in output
