"""Finding 9: look-alike usernames. Usernames are NFKC-normalised (fullwidth "ａ" is
"a"), at sign-up and on My Profile, and a mix of scripts with look-alike letters (a
Cyrillic "а" among Latin letters) is refused."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accounts.models import User
from tests.factories import TEST_PASSWORD, DeveloperFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
CONFUSABLE = "Use the letters of one alphabet."


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _signup(client, username: str):
    return client.post(
        SIGNUP,
        {
            "username": username,
            "email": "someone@example.com",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )


@pytest.mark.parametrize("username", ["p\u0430ypal", "\u0430dmin", "kofi\u03bf"])
def test_signup_refuses_mixed_script_look_alikes(client, username):
    response = _signup(client, username)

    assert response.status_code == 200
    assert CONFUSABLE in response.content.decode()
    assert not User.objects.filter(username=username).exists()


def test_signup_stores_the_nfkc_form(client):
    response = _signup(client, "\uff41mina")  # fullwidth a

    assert response.status_code == 302
    assert User.objects.filter(username="amina").exists()
    assert not User.objects.filter(username="\uff41mina").exists()


def test_signup_refuses_the_fullwidth_twin_of_a_taken_username(client):
    DeveloperFactory(username="admin", email="admin@example.com")

    response = _signup(client, "\uff41dmin")

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_a_name_in_one_script_is_accepted(client):
    response = _signup(client, "\u043f\u0440\u0438\u043c\u0435\u0440")  # пример, all Cyrillic

    assert response.status_code == 302
    assert User.objects.filter(username="\u043f\u0440\u0438\u043c\u0435\u0440").exists()


def test_username_change_refuses_look_alikes(developer_client, developer):
    response = developer_client.post("/profile/username/", {"username": "d\u0435v2"})  # Cyrillic е

    assert response.status_code == 200
    assert CONFUSABLE in response.content.decode()
    developer.refresh_from_db()
    assert developer.username == "dev"


def test_username_change_normalises(developer_client, developer, other_developer):
    response = developer_client.post("/profile/username/", {"username": "\uff44ev2"})

    assert response.status_code == 302
    developer.refresh_from_db()
    assert developer.username == "dev2"
    # The fullwidth twin of someone else's name is that name, and taken.
    taken = developer_client.post(
        "/profile/username/",
        {"username": "".join(chr(ord(c) + 0xFEE0) for c in other_developer.username)},
    )
    assert taken.status_code == 200
    assert "already exists" in taken.content.decode()
