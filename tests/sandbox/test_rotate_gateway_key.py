"""`manage.py rotate_gateway_key` and the admin action on gateway keypairs."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts import keys
from accounts.models import GatewayKeypair

pytestmark = pytest.mark.django_db


def test_command_makes_a_new_current_keypair_with_an_overlap():
    old = keys.current_keypair()
    out = StringIO()
    call_command("rotate_gateway_key", "--overlap-hours", "6", stdout=out)
    new = keys.current_keypair()
    assert new.pk != old.pk
    old.refresh_from_db()
    expected = timezone.now() + timedelta(hours=6)
    assert abs((old.accepted_until - expected).total_seconds()) < 60
    assert [k.pk for k in keys.accepted_keypairs()] == [new.pk, old.pk]
    assert new.public_key_b64 in out.getvalue()


def test_zero_overlap_refuses_the_old_keypair_at_once():
    old = keys.current_keypair()
    call_command("rotate_gateway_key", "--overlap-hours", "0", stdout=StringIO())
    assert old.pk not in [k.pk for k in keys.accepted_keypairs()]


def test_negative_overlap_is_an_error():
    with pytest.raises(CommandError):
        call_command("rotate_gateway_key", "--overlap-hours", "-1", stdout=StringIO())


def test_live_environment_is_rotated_separately():
    sandbox_key = keys.current_keypair("sandbox")
    keys.current_keypair("live")
    call_command(
        "rotate_gateway_key", "--overlap-hours", "1", "--environment", "live", stdout=StringIO()
    )
    assert keys.current_keypair("sandbox").pk == sandbox_key.pk
    assert GatewayKeypair.objects.filter(environment="live").count() == 2


def test_admin_action_rotates(client):
    from tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    old = keys.current_keypair()
    url = reverse("admin:accounts_gatewaykeypair_changelist")
    response = client.post(
        url, {"action": "rotate_gateway_keypair", "_selected_action": [old.pk]}, follow=True
    )
    assert response.status_code == 200
    assert keys.current_keypair().pk != old.pk
    old.refresh_from_db()
    assert old.accepted_until > timezone.now() + timedelta(hours=23)


def test_admin_action_needs_staff(client, developer):
    client.force_login(developer)
    old = keys.current_keypair()
    url = reverse("admin:accounts_gatewaykeypair_changelist")
    client.post(url, {"action": "rotate_gateway_keypair", "_selected_action": [old.pk]})
    assert keys.current_keypair().pk == old.pk
