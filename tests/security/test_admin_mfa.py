"""Staff must use two-factor sign-in, and the admin signs in through allauth (issue 18)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_refuses_a_staff_member_without_mfa(client):
    client.force_login(UserFactory(username="nomfa", is_staff=True, is_superuser=True, mfa=False))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    # The two-factor page offers both second factors: an authenticator app or a passkey.
    assert response["Location"] == "/accounts/2fa/"
    assert any("two-factor" in str(m) for m in get_messages(response.wsgi_request))
    # Every admin page, not only the index.
    assert client.get("/admin/accounts/user/").status_code == 302


def test_admin_lets_a_staff_member_with_mfa_in(client):
    client.force_login(UserFactory(username="withmfa", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_admin_lets_a_staff_member_whose_only_factor_is_a_passkey_in(client):
    # The browser test (tests/e2e/test_passkeys.py) makes a real one; the gate only asks
    # whether there is one.
    staff = UserFactory(username="passkeyonly", is_staff=True, is_superuser=True, mfa=False)
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.WEBAUTHN, data={"name": "Laptop", "credential": {}}
    )
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_admin_refuses_a_staff_member_with_recovery_codes_only(client):
    staff = UserFactory(username="codesonly", is_staff=True, is_superuser=True, mfa=False)
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20}
    )
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/")["Location"] == "/accounts/2fa/"


def test_admin_login_redirects_to_allauth_with_next(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    # A POST of a password to the admin's own form authenticates nobody.
    UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": "root", "password": "x"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_login_keeps_no_foreign_next(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_signed_in_developer_is_refused_not_looped(client, developer):
    client.force_login(developer)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/?next=/admin/").status_code == 403
