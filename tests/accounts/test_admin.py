"""Staff admin: developers with their keys (never in plaintext), deactivation, keypairs."""

import pytest
from django.contrib.admin.sites import site

from accounts import keys
from accounts.admin import GatewayKeypairAdmin
from accounts.models import GatewayKeypair, SecurityEvent, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_developer_list_shows_keys_by_last4_only(admin_client, developer):
    response = admin_client.get("/admin/accounts/user/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"sandbox …{developer.api_key.last4}" in html
    assert developer.api_key_plaintext not in html
    assert developer.api_key.encrypted not in html
    assert developer.api_key.digest not in html


def test_developer_page_shows_key_history_without_plaintext(admin_client, developer):
    response = admin_client.get(f"/admin/accounts/user/{developer.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"…{developer.api_key.last4}" in html
    assert developer.api_key_plaintext not in html
    assert developer.api_key.encrypted not in html
    assert developer.api_key.digest not in html


def test_deactivate_action_stops_the_developer_at_once(admin_client, developer, other_developer):
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_developers", "_selected_action": [developer.pk]},
    )

    assert response.status_code == 302
    developer.refresh_from_db()
    other_developer.refresh_from_db()
    assert developer.is_active is False
    assert other_developer.is_active is True
    assert developer.security_events.filter(kind=SecurityEvent.Kind.DEACTIVATED).exists()
    # The key row stays (reports), but its owner is inactive: the gateway refuses it.
    assert keys.active_api_key(developer).user.is_active is False


def test_reactivate_action(admin_client, developer):
    User.objects.filter(pk=developer.pk).update(is_active=False)

    admin_client.post(
        "/admin/accounts/user/",
        {"action": "reactivate_developers", "_selected_action": [developer.pk]},
    )

    developer.refresh_from_db()
    assert developer.is_active is True


def test_non_staff_cannot_reach_the_admin(developer_client):
    response = developer_client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_gateway_keypair_admin_shows_the_public_key_and_never_the_private_key(admin_client):
    keypair = keys.current_keypair()

    listing = admin_client.get("/admin/accounts/gatewaykeypair/")
    detail = admin_client.get(f"/admin/accounts/gatewaykeypair/{keypair.pk}/change/")

    assert listing.status_code == 200 and detail.status_code == 200
    html = detail.content.decode()
    assert keypair.public_key_b64 in html
    assert keypair.private_key_encrypted not in html + listing.content.decode()
    assert "PRIVATE KEY" not in html
    assert admin_client.get("/admin/accounts/gatewaykeypair/add/").status_code == 403


def test_gateway_keypair_admin_carries_its_rotate_action():
    keypair_admin = site._registry[GatewayKeypair]
    assert isinstance(keypair_admin, GatewayKeypairAdmin)
    assert "rotate_gateway_keypair" in keypair_admin.actions


def test_staff_can_add_a_user_in_the_admin(admin_client):
    assert admin_client.get("/admin/accounts/user/add/").status_code == 200

    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "added",
            "password1": "a-long-admin-password-11",
            "password2": "a-long-admin-password-11",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(username="added").exists()
