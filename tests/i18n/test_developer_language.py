"""A developer's language (User.language): stored on sign-up from the page's language,
changed by the switcher, used for the pages once signed in and for their emails."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-58"


def test_signing_up_stores_the_language_of_the_page_and_the_activation_email_uses_it():
    cache.clear()
    mail.outbox.clear()
    client = Client(HTTP_ACCEPT_LANGUAGE="sw,en;q=0.5")
    response = client.post(
        "/accounts/signup/",
        {
            "username": "neema",
            "email": "neema@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="neema").language == "sw"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("Washa akaunti yako ya msanidi")
    assert "Iwashe kwa kufuata kiungo hiki:" in mail.outbox[0].body


def test_a_stored_language_is_not_replaced_by_the_browsers(developer):
    User.objects.filter(pk=developer.pk).update(language="pt")
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(developer)
    response = client.get("/profile/")
    assert response["Content-Language"] == "pt"
    assert User.objects.get(pk=developer.pk).language == "pt"


def test_the_switcher_stores_a_signed_in_developers_choice(developer):
    client = Client()
    client.force_login(developer)
    response = client.post("/i18n/setlang/", {"language": "fr"}, HTTP_REFERER="/docs/")
    assert response.status_code == 302 and response["Location"] == "/docs/"
    assert User.objects.get(pk=developer.pk).language == "fr"
    assert client.get("/docs/")["Content-Language"] == "fr"


def test_the_switcher_refuses_a_language_the_portal_does_not_offer(developer):
    client = Client()
    client.force_login(developer)
    response = client.post("/i18n/setlang/", {"language": "de"}, HTTP_REFERER="/docs/")
    assert response.status_code == 302 and response["Location"] == "/docs/"
    assert User.objects.get(pk=developer.pk).language == ""
    assert "django_language" not in response.cookies


def test_the_switcher_goes_back_only_to_a_page_of_the_portal():
    client = Client()
    response = client.post(
        "/i18n/setlang/", {"language": "fr"}, HTTP_REFERER="https://evil.example/phish"
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies["django_language"].value == "fr"


def test_anyone_may_switch_and_the_choice_is_a_cookie():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "pt"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "pt"
    assert client.get("/docs/")["Content-Language"] == "pt"
