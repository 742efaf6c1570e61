"""Go Live requests made before applications move to the Default application of their
developer (golive 0002-0004): nothing is lost, and an approved request locks it.

The database is migrated back to golive 0001, rows are written through the historical
models, then it is migrated forward; each test leaves it at the latest state.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Application
from tests import factories

BEFORE = [("golive", "0001_initial")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


@pytest.fixture
def old_golive(transactional_db):
    try:
        migrate(BEFORE)
        yield MigrationExecutor(connection).loader.project_state(BEFORE[0]).apps
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()


def test_existing_requests_move_to_the_default_application(old_golive):
    OldRequest = old_golive.get_model("golive", "GoLiveRequest")
    live = factories.UserFactory(username="live")
    waiting = factories.UserFactory(username="waiting")
    # An account with no Default application yet (made before applications, e.g. staff).
    Application.objects.filter(user=waiting).delete()
    decided_at = timezone.now() - timedelta(days=3)
    rejected = OldRequest.objects.create(
        user_id=live.pk, status="rejected", reason="Fix it", snapshot={"account": {"u": 1}}
    )
    approved = OldRequest.objects.create(
        user_id=live.pk, status="approved", decided_at=decided_at, snapshot={"account": {"u": 2}}
    )
    open_request = OldRequest.objects.create(user_id=waiting.pk, status="submitted")

    migrate([("golive", "0004_application_required")])
    # Read through the state of 0004 (later migrations add columns not there yet).
    state = (
        MigrationExecutor(connection)
        .loader.project_state(("golive", "0004_application_required"))
        .apps
    )
    NewRequest = state.get_model("golive", "GoLiveRequest")

    live_default = Application.objects.get(user=live, is_default=True)
    waiting_default = Application.objects.get(user=waiting, is_default=True)
    moved = {r.pk: r for r in NewRequest.objects.all()}
    assert moved[rejected.pk].application_id == live_default.pk
    assert moved[approved.pk].application_id == live_default.pk
    assert moved[open_request.pk].application_id == waiting_default.pk
    # Nothing else changed: status, reason, snapshot, decision.
    assert moved[rejected.pk].reason == "Fix it"
    assert moved[approved.pk].snapshot == {"account": {"u": 2}}
    assert moved[approved.pk].decided_at == decided_at
    assert moved[open_request.pk].status == "submitted"
    # The approved developer's application is locked since the approval; the other not.
    assert live_default.locked_at == decided_at
    assert waiting_default.locked_at is None
