"""Finding 6: password reset (and sign-up) do not tell whether an address has an
account. The reset said "The email address is not assigned to any user account"."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from tests.factories import TEST_PASSWORD, DeveloperFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
SIGNUP = "/accounts/signup/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _reset(client, email: str):
    return client.post(RESET, {"email": email})


def test_reset_answers_the_same_for_known_and_unknown_addresses(client):
    DeveloperFactory(username="known", email="known@example.com")

    known = _reset(client, "known@example.com")
    unknown = _reset(client, "nobody@example.com")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    page = client.get(unknown["Location"]).content.decode()
    assert "not assigned" not in page
    # Only the account's owner gets a reset link.
    links = [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    assert [m.to for m in links] == [["known@example.com"]]


def test_reset_of_an_unknown_address_shows_no_field_error(client):
    response = client.post(RESET, {"email": "nobody@example.com"}, follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert "not assigned to any user account" not in html
    assert 'class="errorlist"' not in html


def _signup(client, username: str, email: str):
    return client.post(
        SIGNUP,
        {
            "username": username,
            "email": email,
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )


def test_signup_with_a_taken_email_looks_like_a_new_signup(client):
    DeveloperFactory(username="owner", email="taken@example.com")
    fresh = _signup(client, "newcomer", "new@example.com")
    client.logout()
    users_before = User.objects.count()
    mail.outbox.clear()

    taken = _signup(client, "intruder", "taken@example.com")

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.count() == users_before  # no second account
    # The owner of the address is told, by email, that the account exists.
    assert [m.to for m in mail.outbox] == [["taken@example.com"]]


def test_signup_still_names_a_taken_username(client):
    DeveloperFactory(username="taken", email="owner@example.com")

    response = _signup(client, "taken", "someone-else@example.com")

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
