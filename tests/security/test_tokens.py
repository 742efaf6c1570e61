"""Activation (email confirmation) and password-reset links work once, and not after they
expire (ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS; Django's PASSWORD_RESET_TIMEOUT)."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

EXPIRED = "This link has expired or was already used"
RESET_FAILED = "This reset link does not work"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def _link(pattern: str) -> str:
    return re.search(rf"https?://[^/\s]+({pattern}[^\s]+/)", mail.outbox[-1].body).group(1)


def _sign_up(client: Client) -> tuple[User, str]:
    client.post(
        "/accounts/signup/",
        {
            "username": "amina",
            "email": "amina@example.com",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    return User.objects.get(username="amina"), _link("/accounts/confirm-email/")


def _verified(user: User) -> bool:
    return EmailAddress.objects.get(user=user, email=user.email).verified


def _in_the_future(seconds: float):
    """Signed values (allauth's activation keys) are checked against time.time()."""
    now = time.time()
    return mock.patch("django.core.signing.time.time", return_value=now + seconds)


# --- Activation ------------------------------------------------------------------------


def test_an_activation_link_works_once():
    user, link = _sign_up(Client())

    first = Client().post(link)
    assert first.status_code == 302
    assert _verified(user)

    assert EXPIRED in Client().get(link).content.decode()
    assert Client().post(link).status_code == 404


def test_an_activation_link_expires():
    user, link = _sign_up(Client())
    lifetime = settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS * 86400

    with _in_the_future(lifetime + 60):
        page = Client().get(link)
        response = Client().post(link)

    assert EXPIRED in page.content.decode()
    assert response.status_code == 404
    assert not _verified(user)


def test_an_activation_link_still_works_just_before_it_expires():
    """The control of the test above: it is the age that matters."""
    user, link = _sign_up(Client())
    lifetime = settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS * 86400

    with _in_the_future(lifetime - 60):
        response = Client().post(link)

    assert response.status_code == 302
    assert _verified(user)


def test_a_tampered_activation_key_is_refused():
    user, link = _sign_up(Client())
    key = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(key, key[:-2] + ("aa" if not key.endswith("aa") else "bb"))

    assert EXPIRED in Client().get(forged).content.decode()
    assert Client().post(forged).status_code == 404
    assert not _verified(user)


# --- Password reset ---------------------------------------------------------------------


def _reset_link(developer) -> str:
    Client().post("/accounts/password/reset/", {"email": developer.email})
    return _link("/accounts/password/reset/key/")


def _use(link: str, password: str):
    """Follow the link as a browser does, then set `password` on the form it leads to."""
    client = Client()
    response = client.get(link, follow=True)
    if RESET_FAILED in response.content.decode():
        return response
    form_url = response.redirect_chain[-1][0]
    return client.post(form_url, {"password1": password, "password2": password})


def test_a_password_reset_link_works_once(developer):
    link = _reset_link(developer)

    assert _use(link, "first-new-secret-71").status_code == 302
    second = _use(link, "second-new-secret-72")

    assert RESET_FAILED in second.content.decode()
    developer.refresh_from_db()
    assert developer.check_password("first-new-secret-71")


def test_a_password_reset_link_dies_when_the_password_changes_otherwise(developer):
    link = _reset_link(developer)
    developer.set_password("changed-meanwhile-73")
    developer.save()

    response = _use(link, "attacker-choice-74")

    assert RESET_FAILED in response.content.decode()
    developer.refresh_from_db()
    assert developer.check_password("changed-meanwhile-73")


@pytest.mark.parametrize(("offset", "works"), [(-60, True), (+60, False)])
def test_a_password_reset_link_expires(developer, offset, works):
    link = _reset_link(developer)
    real_now = PasswordResetTokenGenerator._now
    later = lambda self: real_now(self).__class__.fromtimestamp(  # noqa: E731
        real_now(self).timestamp() + settings.PASSWORD_RESET_TIMEOUT + offset
    )

    with mock.patch.object(PasswordResetTokenGenerator, "_now", later):
        response = _use(link, "late-new-secret-75")

    developer.refresh_from_db()
    assert developer.check_password("late-new-secret-75") is works
    assert (RESET_FAILED in response.content.decode()) is not works
