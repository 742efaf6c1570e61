"""My Profile: its tabs, what each shows, and each of its forms."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from accounts import keys
from accounts.keys import default_application
from accounts.models import SecurityEvent, User
from callbacks import views as callback_views
from golive import views as golive_views
from netguard import ssrf
from tests.factories import DeveloperFactory, set_async_url

pytestmark = pytest.mark.django_db

PROFILE = "/profile/"
ACCOUNT = "/profile/account/"
SECURITY = "/profile/security/"
INTEGRATION = "/profile/integration/"
# Each tab and the ids of the sections it shows, in page order.
TABS = {
    PROFILE: ("API keys", ["api-key", "key-history"]),
    ACCOUNT: ("Account", ["details", "account", "time-zone", "language"]),
    SECURITY: ("Security", ["two-factor", "security"]),
    INTEGRATION: ("Integration", ["async", "callbacks", "alerts", "golive"]),
}
SECTIONS = [section for _, sections in TABS.values() for section in sections]
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


def test_the_account_tab_has_the_details_username_time_zone_and_language_forms(developer_client):
    html = developer_client.get(ACCOUNT).content.decode()

    labels = ["First name", "Last name", "Company", "Country", "Username", "Time zone"]
    for label in [*labels, "Your language"]:
        assert f">{label}</label>" in html
    for link in ["Change email address", "Change password", "Change phone number"]:
        assert f">{link}</a>" in html


def test_the_integration_tab_has_the_async_url_form(developer_client):
    html = developer_client.get(INTEGRATION).content.decode()

    assert '<label for="id_async_response_url">Asynchronous Response URL</label>' in html


@pytest.mark.parametrize("path", TABS)
def test_profile_never_shows_another_developers_data(
    developer_client, developer, other_developer, path
):
    html = developer_client.get(path).content.decode()

    assert other_developer.api_key_plaintext not in html
    assert f"…{other_developer.api_key.last4}" not in html
    assert other_developer.phone_number not in html
    assert other_developer.email not in html
    assert other_developer.username not in html
    # Revealing gives my key, never theirs.
    if path == PROFILE:
        response = developer_client.post("/profile/api-key/reveal/", HTTP_ACCEPT="application/json")
        assert response.json() == {"api_key": developer.api_key_plaintext}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    for path in [*TABS, "/profile/public-key.pem", "/profile/api-key/renew/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = client.post("/profile/api-key/reveal/", HTTP_ACCEPT="application/json")
    assert response.status_code == 302


def test_wrong_methods_are_refused(developer_client):
    for path in TABS:
        assert developer_client.post(path).status_code == 405
    for path in [
        "/profile/details/",
        "/profile/username/",
        "/profile/language/",
        "/profile/async-response-url/",
    ]:
        assert developer_client.get(path).status_code == 405
    assert developer_client.get("/profile/api-key/reveal/").status_code == 405
    assert developer_client.delete("/profile/api-key/renew/").status_code == 405
    assert developer_client.post("/profile/public-key.pem").status_code == 405


# --- Tabs ----------------------------------------------------------------------------------


def _tab_bar(html: str) -> str:
    return html.split('<nav class="profile-tabs"', 1)[1].split("</nav>", 1)[0]


def _current_tab(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', _tab_bar(html))


def _sections(html: str) -> list[str]:
    return [section for section in SECTIONS if f'id="{section}"' in html]


@pytest.mark.parametrize("path", TABS)
def test_each_tab_shows_its_sections_and_no_other(developer_client, path):
    html = developer_client.get(path).content.decode()

    assert _sections(html) == TABS[path][1]


@pytest.mark.parametrize("path", TABS)
def test_the_tab_bar_links_every_tab_and_marks_the_current_one(developer_client, path):
    html = developer_client.get(path).content.decode()

    bar = _tab_bar(html)
    assert '<nav class="profile-tabs" aria-label="Sections of My Profile">' in html
    assert re.findall(r'<a href="([^"]+)"', bar) == list(TABS)
    assert _current_tab(html) == [path]
    assert f"<title>{TABS[path][0]} · My Profile · " in html
    assert html.count("<h1") == 1 and "<h1>My Profile</h1>" in html


SECURITY_LINK = re.compile(r'<a href="/profile/security/"[^>]*>(.*?)</a>', re.S)
BADGE = (
    '<span class="badge badge-warning"><span aria-hidden="true">!</span>'
    '<span class="visually-hidden">(two-factor authentication is off)</span></span>'
)


@pytest.mark.parametrize("path", TABS)
def test_without_a_second_factor_the_security_tab_carries_a_badge(developer_client, path):
    bar = _tab_bar(developer_client.get(path).content.decode())

    assert SECURITY_LINK.findall(bar) == [f"Security {BADGE}"]
    assert bar.count('class="badge') == 1  # on the Security tab only


def test_the_badge_is_gone_once_a_second_factor_is_on(developer_client, developer):
    Authenticator.objects.create(
        user=developer, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )

    bar = _tab_bar(developer_client.get(ACCOUNT).content.decode())

    assert SECURITY_LINK.findall(bar) == ["Security"]
    assert "badge" not in bar


def test_the_badge_speaks_the_pages_language(developer_client, developer):
    User.objects.filter(pk=developer.pk).update(language="fr")

    bar = _tab_bar(developer_client.get(PROFILE).content.decode())

    assert (
        '<span class="visually-hidden">(l’authentification à deux facteurs est désactivée)</span>'
        in bar
    )


def test_old_links_to_the_single_page_find_their_tab(developer_client):
    """/profile/#two-factor, from before the tabs, lands on the first tab: its script
    (static/js/profile-tabs.js, driven in tests/e2e/test_profile_tabs.py) sends it on to
    the tab whose link lists that section."""
    html = developer_client.get(PROFILE).content.decode()

    for path, (_, sections) in TABS.items():
        assert f'<a href="{path}" data-sections="{" ".join(sections)}"' in _tab_bar(html)
    assert '<script src="/static/js/profile-tabs.js" defer></script>' in html


def _state(user: User) -> tuple:
    user.refresh_from_db()
    application = default_application(user)
    return (
        user.first_name,
        user.company,
        user.username,
        user.timezone,
        user.language,
        application.async_response_url,
        application.alert_on_callback_failures,
    )


@pytest.mark.parametrize(
    ("action", "data", "tab", "message"),
    [
        (
            "/profile/details/",
            {"first_name": "Amina", "last_name": "Otieno", "company": "Duka", "country": "Ghana"},
            ACCOUNT,
            "Your personal details were saved.",
        ),
        ("/profile/username/", {"username": "dev-new"}, ACCOUNT, "Your username was changed."),
        (
            "/profile/time-zone/",
            {"timezone": "Africa/Nairobi"},
            ACCOUNT,
            "Your time zone is now Africa/Nairobi: dates are shown in it.",
        ),
        (
            "/profile/async-response-url/",
            {"async_response_url": ""},
            INTEGRATION,
            "Saved: every API now answers synchronously.",
        ),
        ("/profile/alerts/{app}/", {}, INTEGRATION, "Alert emails of Default were saved."),
    ],
)
def test_each_form_goes_back_to_its_tab_with_its_message(
    developer_client, developer, action, data, tab, message
):
    set_async_url(developer, "https://example.com/before")
    before = _state(developer)
    app = default_application(developer).public_id

    response = developer_client.post(action.format(app=app), data)

    assert response.status_code == 302
    assert response["Location"] == tab
    assert _state(developer) != before
    page = developer_client.get(tab).content.decode()
    assert message in page
    assert _current_tab(page) == [tab]


@pytest.mark.parametrize(
    ("action", "data", "field", "tab"),
    [
        (
            "/profile/details/",
            {"first_name": "A", "last_name": "B", "company": "x" * 151},
            "company",
            ACCOUNT,
        ),
        ("/profile/username/", {"username": ""}, "username", ACCOUNT),
        ("/profile/time-zone/", {"timezone": "Mars/Olympus_Mons"}, "timezone", ACCOUNT),
        ("/profile/language/", {"language": "de"}, "language", ACCOUNT),
        (
            "/profile/async-response-url/",
            {"async_response_url": "not a url"},
            "async_response_url",
            INTEGRATION,
        ),
    ],
)
def test_a_refused_form_shows_its_tab_again_with_the_error_and_changes_nothing(
    developer_client, developer, action, data, field, tab
):
    before = _state(developer)

    response = developer_client.post(action, data)

    assert response.status_code == 200
    assert field_errors(response, field)
    html = response.content.decode()
    assert _current_tab(html) == [tab]
    assert _sections(html) == TABS[tab][1]
    assert _state(developer) == before


# --- Reveal --------------------------------------------------------------------------------


def test_reveal_without_javascript_shows_the_key_once(developer_client, developer):
    response = developer_client.post("/profile/api-key/reveal/")

    assert response.status_code == 302
    assert response["Location"] == "/profile/#api-key"
    page = developer_client.get(PROFILE)
    assert developer.api_key_plaintext in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert developer.api_key_plaintext not in developer_client.get(PROFILE).content.decode()


def test_a_revealed_key_waits_for_the_api_keys_tab(developer_client, developer):
    developer_client.post("/profile/api-key/reveal/")

    for path in [ACCOUNT, SECURITY, INTEGRATION]:
        assert developer.api_key_plaintext not in developer_client.get(path).content.decode()
    assert developer.api_key_plaintext in developer_client.get(PROFILE).content.decode()


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
    assert response["Location"] == INTEGRATION
    page = developer_client.get(INTEGRATION).content.decode()
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


def test_the_integration_tab_shows_the_callbacks_and_go_live_sections(developer_client):
    html = developer_client.get(INTEGRATION).content.decode()

    order = [html.index(f'id="{section}-heading"') for section in TABS[INTEGRATION][1]]
    assert order == sorted(order)  # async, callbacks, alerts, Go Live


def test_the_other_tabs_do_not_render_the_sections_of_the_apps_above(developer_client, monkeypatch):
    def refuse(request):
        raise AssertionError("rendered a section this tab does not show")

    monkeypatch.setattr(callback_views, "profile_panel", refuse)
    monkeypatch.setattr(golive_views, "profile_panel", refuse)

    for path in [PROFILE, ACCOUNT, SECURITY]:
        assert developer_client.get(path).status_code == 200


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
    assert "Password changed" in developer_client.get(SECURITY).content.decode()


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
    assert "Changing to dev-new@example.com" in developer_client.get(ACCOUNT).content.decode()
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

    html = developer_client.get(SECURITY).content.decode()

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
