"""Moving the callback models from sandbox to callbacks (issue 12) keeps every row.

A database at the old layout (sandbox at 0003_callbacks, no callbacks app) gets its
deliveries, an attempt and a signing secret written through the historical sandbox
models; after migrating forward the new callbacks models find every one of them, and
the move itself runs no SQL. Each test leaves the database migrated to the latest state.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from callbacks.models import CallbackDelivery, CallbackSigningSecret, DeliveryAttempt
from sandbox.models import ApiCall
from tests.factories import ApiCallFactory

OLD_LAYOUT = [("sandbox", "0003_callbacks"), ("callbacks", None)]


def migrate(targets):
    """Migrate the test database to `targets` (a fresh executor each time: the
    loader caches what it found applied)."""
    MigrationExecutor(connection).migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_layout(transactional_db):
    """The historical apps of the old layout; the database is migrated back to the
    latest state afterwards, whatever the test did."""
    try:
        migrate(OLD_LAYOUT)
        loader = MigrationExecutor(connection).loader
        yield loader.project_state(("sandbox", "0003_callbacks")).apps
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()


def test_rows_written_by_the_old_layout_are_found_by_the_callbacks_models(old_layout, developer):
    with pytest.raises(LookupError):
        old_layout.get_app_config("callbacks")
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert ("sandbox", "0003_callbacks") in applied
    assert not {key for key in applied if key[0] == "callbacks"}
    assert ("sandbox", "0004_callbacks_to_own_app") not in applied
    OldDelivery = old_layout.get_model("sandbox", "CallbackDelivery")
    OldAttempt = old_layout.get_model("sandbox", "DeliveryAttempt")
    OldSecret = old_layout.get_model("sandbox", "CallbackSigningSecret")
    # The call-log row through the historical model too (the table has fewer columns
    # at the old layout than ApiCall has now), with the factory's values for them.
    OldCall = old_layout.get_model("sandbox", "ApiCall")
    built = ApiCallFactory.build(api_key=developer.api_key, user=developer, is_async=True)
    old_call = OldCall.objects.create(
        **{
            f.attname: getattr(built, f.attname)
            for f in OldCall._meta.concrete_fields
            if f.attname != "id" and hasattr(built, f.attname)
        }
    )
    now = timezone.now()
    old = {}
    for status, attempts in (("pending", 0), ("delivered", 1), ("failed", 8)):
        old[status] = OldDelivery.objects.create(
            user_id=developer.pk,
            api_call_id=old_call.pk,
            operation="c2bPayment",
            conversation_id=f"conv-{status}",
            url="https://listener.example/hook",
            payload={"input_ResultCode": "INS-0", "status": status},
            status=status,
            attempt_count=attempts,
            max_attempts=8,
            next_attempt_at=now + timedelta(minutes=5),
            created_at=now,
        )
    OldAttempt.objects.create(
        delivery_id=old["delivered"].pk,
        number=1,
        url="https://listener.example/hook",
        started_at=now,
        duration_ms=41.5,
        http_status=200,
        is_success=True,
    )
    OldSecret.objects.create(user_id=developer.pk, secret_encrypted="token-as-stored")

    migrate(latest())
    call = ApiCall.objects.get(pk=old_call.pk)

    assert CallbackDelivery.objects.count() == 3
    for status, row in old.items():
        moved = CallbackDelivery.objects.get(public_id=row.public_id)
        assert (moved.pk, moved.status, moved.attempt_count) == (row.pk, status, row.attempt_count)
        assert (moved.user, moved.api_call) == (developer, call)
        assert moved.payload == {"input_ResultCode": "INS-0", "status": status}
        assert moved.next_attempt_at == row.next_attempt_at
    [attempt] = CallbackDelivery.objects.get(public_id=old["delivered"].public_id).attempts.all()
    assert (attempt.number, attempt.http_status, attempt.duration_ms) == (1, 200, 41.5)
    assert DeliveryAttempt.objects.get().delivery.status == "delivered"
    assert CallbackSigningSecret.objects.get(user=developer).secret_encrypted == "token-as-stored"
    # The reverse relations, from the user and the call log row, see the moved rows.
    assert developer.callback_deliveries.count() == 3
    assert call.callback_deliveries.count() == 3
    # The sweep's query and the Callbacks page's query run on the moved rows.
    assert list(CallbackDelivery.objects.due(now + timedelta(minutes=10))) == [
        CallbackDelivery.objects.get(public_id=old["pending"].public_id)
    ]


def test_the_move_runs_no_sql_on_the_tables(transactional_db):
    """The models changed app in the migration state only: same tables, same indexes."""
    for app, migration in (("callbacks", "0001_initial"), ("sandbox", "0004_callbacks_to_own_app")):
        out = io.StringIO()
        call_command("sqlmigrate", app, migration, stdout=out)
        statements = [
            line
            for line in out.getvalue().splitlines()
            if line.strip() and not line.startswith("--") and line not in ("BEGIN;", "COMMIT;")
        ]
        assert statements == [], f"{app} {migration} would run SQL: {statements}"
    assert CallbackDelivery._meta.db_table == "sandbox_callbackdelivery"
    assert DeliveryAttempt._meta.db_table == "sandbox_deliveryattempt"
    assert CallbackSigningSecret._meta.db_table == "sandbox_callbacksigningsecret"
