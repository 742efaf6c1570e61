"""My Profile's Language (Account tab, `#language`): a select of the portal's languages,
saved the way the footer's switcher saves one (accounts.languages.choose_language): the
profile, the cookie, and the rest of the request, so the message is in the new language."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

ACCOUNT = "/profile/account/"
SET = "/profile/language/"
SAVED_FR = "Langue enregistrée : vos pages, e-mails et SMS sont désormais dans cette langue."


def stored(user) -> str:
    return User.objects.values_list("language", flat=True).get(pk=user.pk)


def options(page: str) -> list[tuple[str, str, str, bool]]:
    """(value, lang, label, selected) of each option of the Language select."""
    select = re.findall(r'<select [^>]*id="id_language"[^>]*>(.*?)</select>', page, re.S)[0]
    found = re.findall(
        r'<option value="([^"]*)"( selected)? lang="([^"]*)">([^<]*)</option>', select
    )
    return [(value, lang, label, bool(selected)) for value, selected, lang, label in found]


def test_the_select_offers_each_language_in_its_own_language_and_shows_the_stored_one(
    developer, developer_client
):
    User.objects.filter(pk=developer.pk).update(language="pt")

    page = developer_client.get(ACCOUNT).content.decode()

    assert '<section class="card" id="language" aria-labelledby="language-heading">' in page
    assert '<label for="id_language">O seu idioma</label>' in page
    assert options(page) == [
        ("en", "en", "English", False),
        ("fr", "fr", "Français", False),
        ("pt", "pt", "Português", True),
        ("sw", "sw", "Kiswahili", False),
    ]
    # The footer's switcher names them the same way, untranslated on a Portuguese page.
    footer = page.split('id="language-select"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r">([^<\s][^<]*)</option>", footer) == [
        "English",
        "Français",
        "Português",
        "Kiswahili",
    ]


def test_with_no_stored_language_the_select_shows_the_pages(developer):
    assert stored(developer) == ""
    client = Client(HTTP_ACCEPT_LANGUAGE="sw")
    client.force_login(developer)

    page = client.get(ACCOUNT).content.decode()

    assert [value for value, _, _, selected in options(page) if selected] == ["sw"]


def test_saving_a_language_stores_it_and_goes_back_with_a_message_in_it(
    developer, developer_client
):
    response = developer_client.post(SET, {"language": "fr"})

    assert response.status_code == 302
    assert response["Location"] == "/profile/account/#language"
    assert stored(developer) == "fr"
    # The same cookie the footer's switcher writes: the choice outlives the session.
    assert developer_client.cookies["django_language"].value == "fr"
    page = developer_client.get(ACCOUNT)
    assert page["Content-Language"] == "fr"
    text = html.unescape(page.content.decode())
    assert SAVED_FR in text
    assert [value for value, _, _, selected in options(text) if selected] == ["fr"]


def test_the_choice_follows_the_developer_after_signing_out_and_on_another_browser(
    developer, developer_client
):
    developer_client.post(SET, {"language": "sw"})

    developer_client.post("/accounts/logout/")
    assert developer_client.get("/docs/")["Content-Language"] == "sw"  # the cookie
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="pt")
    elsewhere.force_login(developer)
    assert elsewhere.get("/docs/")["Content-Language"] == "sw"  # User.language


def test_their_emails_go_out_in_the_language_chosen_here(developer, developer_client):
    developer_client.post(SET, {"language": "fr"})
    cache.clear()  # the reset form's rate limit
    mail.outbox.clear()

    Client(HTTP_ACCEPT_LANGUAGE="en").post("/accounts/password/reset/", {"email": developer.email})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("Réinitialisez votre mot de passe")


@pytest.mark.parametrize("value", ["de", "", "FR", "en-us", "x" * 500, "fr\x00"])
def test_a_language_the_portal_does_not_offer_is_refused_and_changes_nothing(
    developer, developer_client, value
):
    developer_client.post(SET, {"language": "pt"})
    developer_client.cookies.pop("django_language")

    response = developer_client.post(SET, {"language": value})

    assert response.status_code == 200  # the tab again, the error next to the field
    assert response["Content-Language"] == "pt"
    error = html.unescape(response.content.decode()).split('id="id_language_error"', 1)[1]
    error = error.split("</ul>", 1)[0]
    if value:
        assert f"“{value}” não é um dos idiomas do portal. Escolha um da lista." in error
    else:
        assert "Escolha um idioma." in error
    assert stored(developer) == "pt"
    assert "django_language" not in response.cookies


def test_anonymous_visitors_are_sent_to_sign_in_and_get_is_refused(developer_client):
    response = Client().post(SET, {"language": "fr"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "django_language" not in response.cookies

    assert developer_client.get(SET).status_code == 405
