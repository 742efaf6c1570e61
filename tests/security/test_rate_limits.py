"""allauth's rate limits: sign-in, sign-up and password reset answer 429 past the limit
(ACCOUNT_RATE_LIMITS and allauth's defaults), per client address."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from accounts.models import User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SIGNUP = "/accounts/signup/"
RESET = "/accounts/password/reset/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _client(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def test_sign_in_answers_429_past_30_a_minute_from_one_address(developer):
    client = _client("203.0.113.10")
    statuses = [
        client.post(LOGIN, {"login": f"nobody{n}", "password": "x"}).status_code for n in range(30)
    ]
    assert 429 not in statuses

    refused = client.post(LOGIN, {"login": "dev", "password": TEST_PASSWORD})

    assert refused.status_code == 429
    assert "Too many" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = _client("203.0.113.11").post(LOGIN, {"login": "dev", "password": TEST_PASSWORD})
    assert other.status_code == 302


def test_failed_sign_ins_lock_the_account_even_with_the_right_password(developer):
    client = _client("203.0.113.20")
    for _ in range(5):
        client.post(LOGIN, {"login": "dev", "password": "wrong-password-1"})

    # From another address too: the limit is per account (key), not only per address.
    late = _client("203.0.113.21")
    response = late.post(LOGIN, {"login": "dev", "password": TEST_PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in late.session


def test_sign_up_answers_429_past_20_a_minute_from_one_address():
    client = _client("203.0.113.30")
    good = {"password1": "a-long-Pass-phrase-99", "password2": "a-long-Pass-phrase-99"}
    for n in range(20):
        client.post(SIGNUP, {**good, "username": f"bulk{n}", "email": f"bulk{n}@example.com"})

    response = client.post(SIGNUP, {**good, "username": "late", "email": "late@example.com"})

    assert response.status_code == 429
    assert not User.objects.filter(username="late").exists()


def test_password_reset_answers_429_past_5_a_minute_for_one_address(developer):
    client = _client("203.0.113.40")
    statuses = [client.post(RESET, {"email": developer.email}).status_code for _ in range(5)]
    assert 429 not in statuses

    response = client.post(RESET, {"email": developer.email})

    assert response.status_code == 429


def _exhaust_sign_in(client: Client, **headers) -> None:
    for n in range(30):
        client.post(LOGIN, {"login": f"nobody{n}", "password": "x"}, **headers)


def test_a_forged_forwarded_for_does_not_escape_the_limit_by_default(developer):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    client = _client("203.0.113.50")
    _exhaust_sign_in(client, HTTP_X_FORWARDED_FOR="198.51.100.1")

    response = client.post(
        LOGIN, {"login": "dev", "password": TEST_PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )

    assert response.status_code == 429


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(developer):
    """TRUSTED_PROXY_COUNT=1: one abuser behind the proxy does not lock everyone out."""
    proxy = _client("10.0.0.2")  # every request arrives from the proxy's address
    _exhaust_sign_in(proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    abuser = proxy.post(LOGIN, {"login": "x", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.1")

    someone_else = proxy.post(
        LOGIN, {"login": "dev", "password": TEST_PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )

    assert abuser.status_code == 429
    assert someone_else.status_code == 302


def test_username_and_email_guesses_share_one_budget_per_account(developer):
    """Issue 18, finding 10: 3 wrong guesses by username and 2 by email are the account's
    5 (the key part of "5/5m/key"), not two budgets of 5."""
    client = _client("203.0.113.30")
    for _ in range(3):
        client.post(LOGIN, {"login": "dev", "password": "wrong-password-1"})
    for _ in range(2):
        client.post(LOGIN, {"login": "DEV@example.com", "password": "wrong-password-1"})

    response = _client("203.0.113.31").post(LOGIN, {"login": "dev", "password": TEST_PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_admin_password_guessing_is_limited_like_any_sign_in(developer):
    """Issue 18, finding 1: the admin's own form accepted a correct password after 40
    wrong ones. /admin/login/ now sends staff to allauth's sign-in, whose limits hold."""
    staff = User.objects.get(username="dev")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client = _client("203.0.113.40")
    login_page = client.get("/admin/login/?next=/admin/")
    assert login_page["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    for n in range(40):
        _client(f"203.0.113.{50 + n}").post(
            "/accounts/login/?next=/admin/", {"login": "dev", "password": f"wrong-{n}"}
        )

    response = client.post(
        "/accounts/login/?next=/admin/", {"login": "dev", "password": TEST_PASSWORD}
    )

    assert response.status_code != 302 or "/admin/" not in response.get("Location", "")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
