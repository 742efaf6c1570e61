"""My Profile: what it shows, and each of its forms."""

import pytest
from django.test import Client

from accounts import keys
from accounts.keys import default_application
from accounts.models import SecurityEvent, User
from netguard import ssrf
from tests.factories import DeveloperFactory, set_async_url

pytestmark = pytest.mark.django_db

PROFILE = "/profile/"
PUBLIC_KEY_PREFIX = "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8A"


def field_errors(response, field: str) -> str:
    html = response.content.decode()
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


def test_profile_hides_the_key_and_shows_the_public_key(developer_client, developer):
    response = developer_client.get(PROFILE)

    assert response.status_code == 200
    html = response.content.decode()
    assert developer.api_key_plaintext not in html
    assert developer.api_key.last4 in html
    assert "Reveal API Key" in html
    assert PUBLIC_KEY_PREFIX in html
    assert keys.current_keypair().public_key_b64 in html
    assert "Public key last changed" in html
    assert "Download as PEM" in html
    assert "Renew API Key" in html
    assert '<label for="id_async_response_url">Asynchronous Response URL</label>' in html
    for label in ["First name", "Last name", "Company", "Country", "Username"]:
        assert f">{label}</label>" in html


def test_profile_never_shows_another_developers_data(developer_client, developer, other_developer):
    html = developer_client.get(PROFILE).content.decode()

    assert other_developer.api_key_plaintext not in html
    assert f"…{other_developer.api_key.last4}" not in html
    assert other_developer.phone_number not in html
    assert other_developer.email not in html
    # Revealing gives my key, never theirs.
    response = developer_client.post("/profile/api-key/reveal/", HTTP_ACCEPT="application/json")
    assert response.json() == {"api_key": developer.api_key_plaintext}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    for path in [PROFILE, "/profile/public-key.pem", "/profile/api-key/renew/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = client.post("/profile/api-key/reveal/", HTTP_ACCEPT="application/json")
    assert response.status_code == 302


def test_wrong_methods_are_refused(developer_client):
    assert developer_client.post(PROFILE).status_code == 405
    for path in ["/profile/details/", "/profile/username/", "/profile/async-response-url/"]:
        assert developer_client.get(path).status_code == 405
    assert developer_client.get("/profile/api-key/reveal/").status_code == 405
    assert developer_client.delete("/profile/api-key/renew/").status_code == 405
    assert developer_client.post("/profile/public-key.pem").status_code == 405


# --- Reveal --------------------------------------------------------------------------------


def test_reveal_without_javascript_shows_the_key_once(developer_client, developer):
    response = developer_client.post("/profile/api-key/reveal/")

    assert response.status_code == 302
    assert response["Location"] == "/profile/#api-key"
    page = developer_client.get(PROFILE)
    assert developer.api_key_plaintext in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert developer.api_key_plaintext not in developer_client.get(PROFILE).content.decode()


def test_reveal_with_javascript_answers_json(developer_client, developer):
    response = developer_client.post("/profile/api-key/reveal/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {"api_key": developer.api_key_plaintext}
    assert "no-store" in response["Cache-Control"]


# --- Public key ----------------------------------------------------------------------------


def test_public_key_downloads_as_pem(developer_client):
    response = developer_client.get("/profile/public-key.pem")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("-----BEGIN PUBLIC KEY-----\n" + PUBLIC_KEY_PREFIX)
    assert body.endswith("-----END PUBLIC KEY-----\n")
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    assert load_pem_public_key(response.content).key_size == 4096


# --- Personal details ------------------------------------------------------------------


def test_personal_details_are_saved(developer_client, developer):
    response = developer_client.post(
        "/profile/details/",
        {"first_name": "Amina", "last_name": "Otieno", "company": "Duka Ltd", "country": "Ghana"},
    )

    assert response.status_code == 302
    developer.refresh_from_db()
    assert (developer.first_name, developer.last_name, developer.company, developer.country) == (
        "Amina",
        "Otieno",
        "Duka Ltd",
        "Ghana",
    )


def test_too_long_details_are_refused_next_to_the_field(developer_client, developer):
    response = developer_client.post(
        "/profile/details/", {"first_name": "A", "last_name": "B", "company": "x" * 151}
    )

    assert response.status_code == 200
    assert "at most 150 characters" in field_errors(response, "company")
    developer.refresh_from_db()
    assert developer.company == "Acme Payments"
    assert developer.first_name == ""


# --- Username --------------------------------------------------------------------------


def test_username_change_is_saved_and_recorded(developer_client, developer):
    response = developer_client.post("/profile/username/", {"username": "dev-new"})

    assert response.status_code == 302
    developer.refresh_from_db()
    assert developer.username == "dev-new"
    event = developer.security_events.get(kind=SecurityEvent.Kind.USERNAME_CHANGED)
    assert event.detail == "dev → dev-new"


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("otherdev", "already exists"),
        ("OTHERDEV", "already exists"),
        ("no spaces please", "Enter a valid username"),
        ("", "This field is required."),
    ],
)
def test_bad_username_is_refused_next_to_the_field(
    developer_client, developer, other_developer, username, message
):
    response = developer_client.post("/profile/username/", {"username": username})

    assert response.status_code == 200
    assert message in field_errors(response, "username")
    developer.refresh_from_db()
    assert developer.username == "dev"
    assert not developer.security_events.exists()


# --- Asynchronous Response URL ----------------------------------------------------------


def test_async_url_is_saved_and_cleared(developer_client, developer, settings, monkeypatch):
    # example.com must resolve to a public address without the network.
    monkeypatch.setattr(ssrf, "_getaddrinfo", lambda host, port: ["93.184.215.14"])
    response = developer_client.post(
        "/profile/async-response-url/", {"async_response_url": "https://example.com/results"}
    )

    assert response.status_code == 302
    developer.refresh_from_db()
    assert default_application(developer).async_response_url == "https://example.com/results"
    page = developer_client.get(PROFILE).content.decode()
    assert "asynchronous, results go to https://example.com/results" in page

    developer_client.post("/profile/async-response-url/", {"async_response_url": ""})
    developer.refresh_from_db()
    assert default_application(developer).async_response_url == ""


@pytest.mark.parametrize("url", ["ftp://example.com/x", "not a url", "example.com/results"])
def test_bad_async_url_is_refused_next_to_the_field(developer_client, developer, url):
    set_async_url(developer, "https://example.com/before")

    response = developer_client.post("/profile/async-response-url/", {"async_response_url": url})

    assert response.status_code == 200
    assert "Enter a valid http(s) URL." in field_errors(response, "async_response_url")
    developer.refresh_from_db()
    assert default_application(developer).async_response_url == "https://example.com/before"


def test_async_url_into_a_private_network_is_refused(developer_client, developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False

    response = developer_client.post(
        "/profile/async-response-url/", {"async_response_url": "http://127.0.0.1:8000/results"}
    )

    assert response.status_code == 200
    assert "callbacks may not be sent there" in field_errors(response, "async_response_url")
    developer.refresh_from_db()
    assert default_application(developer).async_response_url == ""


# --- Sections of the apps above accounts -----------------------------------------------


def test_profile_shows_the_callbacks_and_go_live_sections_after_security_events(
    developer_client,
):
    html = developer_client.get(PROFILE).content.decode()

    security = html.index('id="security-heading"')
    callbacks = html.index('id="callbacks-heading"')
    golive = html.index('id="golive-heading"')
    assert security < callbacks < golive


# --- Security events ----------------------------------------------------------------------


def test_password_change_through_allauth_is_a_security_event(developer_client, developer):
    from tests.factories import TEST_PASSWORD

    response = developer_client.post(
        "/accounts/password/change/",
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "another-long-secret-93",
            "password2": "another-long-secret-93",
        },
    )

    assert response.status_code == 302
    developer.refresh_from_db()
    assert developer.check_password("another-long-secret-93")
    assert developer.security_events.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()
    assert "Password changed" in developer_client.get(PROFILE).content.decode()


def test_weak_new_password_is_refused_next_to_the_field(developer_client, developer):
    from tests.factories import TEST_PASSWORD

    response = developer_client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": "123", "password2": "123"},
    )

    assert response.status_code == 200
    assert "too short" in field_errors(response, "password1")
    developer.refresh_from_db()
    assert developer.check_password(TEST_PASSWORD)
    assert not developer.security_events.exists()


def test_email_change_waits_for_the_new_address_to_be_verified(developer_client, developer):
    import re

    from django.core import mail

    response = developer_client.post(
        "/accounts/email/", {"email": "dev-new@example.com", "action_add": ""}
    )
    assert response.status_code == 302
    developer.refresh_from_db()
    assert developer.email == "dev@example.com"  # unchanged until verified
    assert "Changing to dev-new@example.com" in developer_client.get(PROFILE).content.decode()
    link = re.search(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)

    developer_client.post(link)

    developer.refresh_from_db()
    assert developer.email == "dev-new@example.com"
    event = developer.security_events.get(kind=SecurityEvent.Kind.EMAIL_CHANGED)
    assert "dev-new@example.com" in event.detail


def test_email_change_to_a_taken_address_is_refused(developer_client, developer, other_developer):
    response = developer_client.post(
        "/accounts/email/", {"email": other_developer.email, "action_add": ""}
    )

    assert response.status_code == 200
    assert "already" in field_errors(response, "email")
    developer.refresh_from_db()
    assert developer.email == "dev@example.com"


def test_security_events_list_only_my_events(developer_client, developer, other_developer):
    SecurityEvent.objects.create(user=other_developer, kind="api_key_renewed", detail="theirs-x1")
    SecurityEvent.objects.create(user=developer, kind="api_key_renewed", detail="mine-y2")

    html = developer_client.get(PROFILE).content.decode()

    assert "mine-y2" in html
    assert "theirs-x1" not in html


def test_a_deactivated_developer_is_signed_out_everywhere(client):
    user = DeveloperFactory(username="gone")
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Client().login(username="gone", password="correct-horse-battery-staple-42") is False
