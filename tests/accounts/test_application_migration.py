"""Applications arrive (accounts 0004-0006, callbacks 0002): every developer of a
database filled before them gets exactly one Default application holding all their keys
and their Asynchronous Response URL, and their calls, reports, Go Live requests and
callback deliveries are intact and reachable from it.

The database is first migrated back to accounts 0003 / callbacks 0001 and filled the way
`seed_demo` and the portal did then, through the historical models of that state; each
test leaves it migrated to the latest state.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Application, User
from callbacks.models import CallbackDelivery
from golive.models import GoLiveRequest
from reports.models import Report
from sandbox.models import ApiCall

BEFORE_APPLICATIONS = [
    ("accounts", "0003_security_event_golive_kinds"),
    ("callbacks", "0001_initial"),
]


def migrate(targets):
    """A fresh executor each time: the loader caches what it found applied."""
    MigrationExecutor(connection).migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_apps(transactional_db):
    """The historical apps of the state before applications; the database is migrated
    to the latest state afterwards, whatever the test did."""
    try:
        migrate(BEFORE_APPLICATIONS)
        loader = MigrationExecutor(connection).loader
        yield loader.project_state(list(loader.applied_migrations)).apps
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()


def _fill(apps) -> dict:
    """Two developers and a staff member, as the portal left them before applications:
    keys on the user (one renewed, so retired), an async URL, calls, a report, a Go Live
    request with its live key, and callback deliveries."""
    OldUser = apps.get_model("accounts", "User")
    OldKey = apps.get_model("accounts", "ApiKey")
    OldCall = apps.get_model("sandbox", "ApiCall")
    OldReport = apps.get_model("reports", "Report")
    OldRequest = apps.get_model("golive", "GoLiveRequest")
    OldDelivery = apps.get_model("callbacks", "CallbackDelivery")
    now = timezone.now()
    made: dict = {"calls": {}, "keys": {}, "urls": {}}

    def user(username: str, url: str = "", **extra):
        made["urls"][username] = url
        return OldUser.objects.create(
            username=username,
            email=f"{username}@example.com",
            password="!",
            async_response_url=url,
            **extra,
        )

    def key(owner, suffix: str, *, environment="sandbox", retired_at=None):
        row = OldKey.objects.create(
            user=owner,
            environment=environment,
            digest=f"digest-{owner.username}-{suffix}",
            encrypted=f"encrypted-{suffix}",
            last4=suffix,
            retired_at=retired_at,
        )
        made["keys"].setdefault(owner.username, []).append(row.pk)
        return row

    def calls(owner, api_key, count: int):
        rows = [
            OldCall(
                api_key=api_key,
                user=owner,
                operation="c2bPayment",
                market="vodafoneGHA",
                method="POST",
                path="/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/",
                result_code="INS-0",
                http_status=201,
                is_success=True,
                amount=Decimal("10.00"),
                created_at=now - timedelta(days=number),
            )
            for number in range(count)
        ]
        OldCall.objects.bulk_create(rows)
        made["calls"][owner.username] = made["calls"].get(owner.username, 0) + count

    demo = user("demo", "https://demo.example.com/results", company="Demo Shop")
    retired = key(demo, "old1", retired_at=now - timedelta(days=15))
    current = key(demo, "new2")
    calls(demo, retired, 40)
    calls(demo, current, 25)
    report = OldReport.objects.create(
        user=demo,
        api_key=current,
        date_from=date.today() - timedelta(days=30),
        date_to=date.today(),
        summary={"calls": 25},
    )
    live = key(demo, "liv3", environment="live")
    golive = OldRequest.objects.create(
        user=demo,
        report=report,
        status="approved",
        snapshot={"async_response_url": "https://demo.example.com/results"},
        live_api_key=live,
    )
    deliveries = [
        OldDelivery.objects.create(
            user=demo,
            operation="c2bPayment",
            conversation_id=f"conv-{status}",
            url="https://demo.example.com/results",
            payload={"input_ResultCode": "INS-0"},
            status=status,
            max_attempts=8,
            next_attempt_at=now,
            created_at=now,
        )
        for status in ("pending", "delivered")
    ]
    shop = user("shop")
    calls(shop, key(shop, "shp4"), 5)
    user("staffer", is_staff=True)  # no key at all
    made.update(
        report=report.public_id,
        golive=golive.public_id,
        deliveries=[d.public_id for d in deliveries],
    )
    return made


def test_every_developer_gets_one_default_application_holding_everything_and_back(old_apps):
    """One round trip, forward from the state before applications and back again (each
    migration of the whole schema costs seconds, so the two checks share it)."""
    with pytest.raises(LookupError):
        old_apps.get_model("accounts", "Application")
    made = _fill(old_apps)

    migrate(latest())

    _every_developer_has_one_default_application_holding_everything(made)
    _migrating_back_returns_the_url_to_the_developer()


def _every_developer_has_one_default_application_holding_everything(made: dict) -> None:
    for user in User.objects.all():
        [application] = Application.objects.filter(user=user)
        assert (application.name, application.is_default) == ("Default", True)
        assert application.async_response_url == made["urls"][user.username]
        # Every key of the developer, retired and live ones too, is the application's.
        assert sorted(application.api_keys.values_list("pk", flat=True)) == sorted(
            made["keys"].get(user.username, [])
        )
        calls = ApiCall.objects.filter(api_key__application=application)
        assert calls.count() == made["calls"].get(user.username, 0)
        assert calls.count() == ApiCall.objects.filter(user=user).count()
    demo = Application.objects.get(user__username="demo")
    assert demo.api_keys.get(last4="old1").retired_at is not None
    assert demo.api_keys.get(last4="new2").is_current
    assert demo.api_keys.get(last4="liv3").environment == "live"
    # The defaults of the new settings: nothing refused that was allowed before.
    assert demo.session_lifetime_seconds == 3600
    assert demo.trusted_sources == [] and demo.disabled_apis == []
    assert demo.limit_single_value is None and not demo.strict_mode and not demo.is_locked
    # The report, the Go Live request and the deliveries, reachable from the application.
    report = Report.objects.get(public_id=made["report"])
    assert report.api_key.application == demo and report.summary == {"calls": 25}
    golive = GoLiveRequest.objects.get(public_id=made["golive"])
    assert golive.status == "approved" and golive.report == report
    assert golive.live_api_key.application == demo
    assert golive.user.applications.get() == demo
    deliveries = CallbackDelivery.objects.filter(public_id__in=made["deliveries"])
    assert deliveries.count() == 2
    assert set(deliveries.values_list("application", flat=True)) == {demo.pk}
    assert demo.callback_deliveries.count() == 2
    assert set(deliveries.values_list("status", flat=True)) == {"pending", "delivered"}


def _migrating_back_returns_the_url_to_the_developer() -> None:
    Application.objects.filter(user__username="shop").update(
        async_response_url="https://shop.example.com/new"
    )

    migrate(BEFORE_APPLICATIONS)

    loader = MigrationExecutor(connection).loader
    OldUser = loader.project_state(list(loader.applied_migrations)).apps.get_model(
        "accounts", "User"
    )
    urls = dict(OldUser.objects.values_list("username", "async_response_url"))
    assert urls == {
        "demo": "https://demo.example.com/results",
        "shop": "https://shop.example.com/new",
        "staffer": "",
    }
