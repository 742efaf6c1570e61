"""Admin actions change things, so viewing a model is not enough to run them: a staff
member with only the view permission sees no action and a forged POST changes nothing."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from accounts import keys
from accounts.models import GatewayKeypair, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _staff_with(*codenames: str) -> User:
    user = UserFactory(username="-".join(codenames) or "bare", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # permissions are cached per instance


def _model_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_no_admin_action_is_offered_to_a_view_only_staff_member():
    for model, model_admin in _model_admins():
        viewer = _staff_with(f"view_{model._meta.model_name}")
        request = RequestFactory().get("/admin/")
        request.user = viewer

        offered = set(model_admin.get_actions(request)) - {"delete_selected"}

        assert offered == set(), f"{model._meta.label}: {offered} offered to a viewer"


def test_a_viewer_cannot_rotate_the_gateway_keypair(client):
    keypair = keys.current_keypair()
    client.force_login(_staff_with("view_gatewaykeypair"))

    client.post(
        "/admin/accounts/gatewaykeypair/",
        {"action": "rotate_gateway_keypair", "_selected_action": [keypair.pk]},
    )

    assert GatewayKeypair.objects.count() == 1


def test_a_staff_member_allowed_to_change_keypairs_rotates_it(client):
    keypair = keys.current_keypair()
    client.force_login(_staff_with("view_gatewaykeypair", "change_gatewaykeypair"))

    response = client.post(
        "/admin/accounts/gatewaykeypair/",
        {"action": "rotate_gateway_keypair", "_selected_action": [keypair.pk]},
    )

    assert response.status_code == 302
    assert GatewayKeypair.objects.count() == 2


@pytest.mark.parametrize(
    ("codenames", "stays_active"),
    [(("view_user",), True), (("view_user", "change_user"), False)],
    ids=["viewer", "editor"],
)
def test_deactivating_a_developer_needs_the_change_permission(
    client, developer, codenames, stays_active
):
    client.force_login(_staff_with(*codenames))

    client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_developers", "_selected_action": [developer.pk]},
    )

    developer.refresh_from_db()
    assert developer.is_active is stays_active


@pytest.mark.parametrize(
    ("codenames", "verified"),
    [(("view_emailaddress",), False), (("view_emailaddress", "change_emailaddress"), True)],
    ids=["viewer", "editor"],
)
def test_marking_an_email_verified_needs_the_change_permission(client, codenames, verified):
    from allauth.account.models import EmailAddress

    pending = UserFactory(username="pending")
    address = EmailAddress.objects.create(user=pending, email=pending.email, verified=False)
    client.force_login(_staff_with(*codenames))

    client.post(
        "/admin/account/emailaddress/",
        {"action": "make_verified", "_selected_action": [address.pk]},
    )

    address.refresh_from_db()
    assert address.verified is verified
