"""The staff audit trail (issue 18): every staff action writes one immutable StaffAction,
and the admin lists the trail but can neither add, change nor delete it."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from accounts import keys
from accounts.models import Application, GatewayKeypair, StaffAction, User
from golive import services as golive
from tests.factories import DeveloperFactory, UserFactory
from tests.golive.helpers import grant_review_permission, ready_report

pytestmark = pytest.mark.django_db

Action = StaffAction.Action


@pytest.fixture
def boss(client):
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _only(action: str) -> StaffAction:
    rows = list(StaffAction.objects.filter(action=action))
    assert len(rows) == 1, f"{action}: {len(rows)} rows"
    return rows[0]


def test_deactivation_and_reactivation_are_recorded(client, boss, developer):
    changelist = "/admin/accounts/user/"
    client.post(changelist, {"action": "deactivate_developers", "_selected_action": [developer.pk]})
    client.post(changelist, {"action": "reactivate_developers", "_selected_action": [developer.pk]})

    off = _only(Action.DEVELOPER_DEACTIVATED)
    assert (off.actor, off.actor_username, off.target) == (boss, "boss", "dev")
    assert _only(Action.DEVELOPER_REACTIVATED).actor == boss


def test_keypair_rotation_is_recorded_from_the_admin_and_the_command(client, boss):
    keypair = keys.current_keypair()
    client.post(
        "/admin/accounts/gatewaykeypair/",
        {"action": "rotate_gateway_keypair", "_selected_action": [keypair.pk]},
    )
    row = _only(Action.KEYPAIR_ROTATED)
    assert row.actor == boss and row.target == "sandbox gateway keypair"

    call_command("rotate_gateway_key", "--overlap-hours", "1")
    assert StaffAction.objects.filter(
        action=Action.KEYPAIR_ROTATED, actor=None, actor_username="(command line)"
    ).exists()
    assert GatewayKeypair.objects.filter(environment="sandbox").count() == 3


def test_go_live_decisions_are_recorded():
    reviewer = grant_review_permission(UserFactory(username="reviewer", is_staff=True))
    for name, decide in (
        ("approved", lambda r: golive.approve_request(r, by=reviewer)),
        ("rejected", lambda r: golive.reject_request(r, by=reviewer, reason="Test reversals.")),
    ):
        developer = DeveloperFactory(username=f"dev-{name}")
        report = ready_report(developer)
        request = golive.submit_request(developer, report_public_id=str(report.public_id))
        golive.start_review(request, by=reviewer)
        decide(request)

    assert StaffAction.objects.filter(action=Action.GOLIVE_IN_REVIEW).count() == 2
    assert "live key …" in _only(Action.GOLIVE_APPROVED).detail
    rejected = _only(Action.GOLIVE_REJECTED)
    assert rejected.actor == reviewer and rejected.detail == "Test reversals."


def test_a_limit_change_in_the_admin_is_recorded_with_the_new_values(boss, developer):
    application = keys.default_application(developer)
    application.limit_single_value = 5000
    application.save()
    # What the admin's change form writes after saving (ModelAdmin.log_change).
    LogEntry.objects.log_actions(
        boss.pk,
        [application],
        CHANGE,
        [{"changed": {"fields": ["Limit single value"]}}],
        single_object=True,
    )

    row = _only(Action.LIMITS_CHANGED)
    assert row.actor == boss
    assert "limit_single_value=5000" in row.detail
    assert ContentType.objects.get_for_model(Application).model in row.target


def test_a_change_in_an_admin_form_is_recorded(client, boss, developer):
    response = client.get(f"/admin/accounts/user/{developer.pk}/change/")
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": "dev",
            "email": "dev@example.com",
            "company": "Renamed Ltd",
            "date_joined_0": developer.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": developer.date_joined.strftime("%H:%M:%S"),
        }
    )
    for prefix in ("applications", "api_keys", "security_events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    client.post(f"/admin/accounts/user/{developer.pk}/change/", data)
    assert User.objects.get(pk=developer.pk).company == "Renamed Ltd"
    assert _only(Action.ADMIN_CHANGED).actor == boss


def test_the_trail_cannot_be_changed_or_deleted(client, boss):
    row = StaffAction.objects.create(
        actor=boss, actor_username="boss", action=Action.KEYPAIR_ROTATED, target="x"
    )
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        StaffAction.objects.filter(pk=row.pk).update(detail="edited")
    with pytest.raises(PermissionError):
        StaffAction.objects.all().delete()

    # The admin lists it, even to a superuser read-only, with no add/change/delete.
    assert client.get("/admin/accounts/staffaction/").status_code == 200
    assert client.get("/admin/accounts/staffaction/add/").status_code == 403
    change = client.get(f"/admin/accounts/staffaction/{row.pk}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert client.post(f"/admin/accounts/staffaction/{row.pk}/change/", {}).status_code == 403
    assert client.get(f"/admin/accounts/staffaction/{row.pk}/delete/").status_code == 403
    client.post(
        "/admin/accounts/staffaction/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert StaffAction.objects.filter(pk=row.pk).exists()
