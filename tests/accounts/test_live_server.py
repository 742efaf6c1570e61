"""Every step of the sign-up and its bad inputs over real HTTP (pytest-django's live
server), the way a client outside the test process sees the portal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests
from django.core import mail
from django.utils import timezone

from accounts import keys
from accounts.models import PhoneVerification, User
from tests.accounts.conftest import code_from
from tests.factories import TEST_PASSWORD, DeveloperFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """A requests session that fills in the CSRF token like a browser submitting a form."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base + path, timeout=10, **kwargs)

    def submit(self, path: str, data: dict, *, form_page: str | None = None) -> requests.Response:
        page = self.get(form_page or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.http.post(
            self.base + path,
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": self.base + (form_page or path)},
            timeout=10,
        )


def error_next_to(response: requests.Response, field: str) -> str:
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', response.text, re.S
    )
    assert match, f"no error next to {field}"
    return match.group(1)


@pytest.fixture
def browser(live_server) -> Browser:
    from django.core.cache import cache

    cache.clear()
    return Browser(live_server.url)


def register(browser: Browser, **change) -> requests.Response:
    data = {
        "username": "kofi",
        "email": "kofi@example.com",
        "password1": TEST_PASSWORD,
        "password2": TEST_PASSWORD,
        **change,
    }
    return browser.submit("/accounts/signup/", data)


def sign_in(browser: Browser, login: str = "kofi") -> requests.Response:
    return browser.submit("/accounts/login/", {"login": login, "password": TEST_PASSWORD})


def activate(browser: Browser) -> None:
    link = re.search(r"https?://\S+?(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    browser.submit(link, {})


def test_the_whole_sign_up_over_http(browser, sms_outbox):
    assert register(browser).url.endswith("/accounts/confirm-email/")
    refused = sign_in(browser)
    assert "this account cannot sign in" in refused.text
    activate(browser)

    landed = sign_in(browser, "kofi@example.com")
    assert landed.url.endswith("/profile/phone/")
    assert browser.get("/reports/").url.endswith("/profile/phone/")
    browser.submit("/profile/phone/", {"phone_number": "+233 24 123 4567"})
    done = browser.submit("/profile/phone/confirm/", {"code": code_from(sms_outbox[0])})

    assert done.url.endswith("/profile/#api-key")
    user = User.objects.get(username="kofi")
    assert user.phone_number == "+233241234567"
    assert keys.active_api_key(user).plaintext in done.text
    assert "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8A" in done.text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "taken"}, "username", "already exists"),
        ({"password1": "98127364512", "password2": "98127364512"}, "password1", "numeric"),
        ({"password1": "qwerty", "password2": "qwerty"}, "password1", "too short"),
    ],
)
def test_bad_registrations_over_http_change_nothing(browser, change, field, message):
    DeveloperFactory(username="taken", email="taken@example.com")
    before = User.objects.count()

    response = register(browser, **change)

    assert response.status_code == 200
    assert message in error_next_to(response, field)
    assert User.objects.count() == before


def test_a_reused_activation_link_over_http(browser):
    register(browser)
    activate(browser)

    link = re.search(r"https?://\S+?(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    response = browser.get(link)

    assert "expired or was already used" in response.text


@pytest.fixture
def signed_in_newcomer(browser):
    register(browser)
    activate(browser)
    sign_in(browser)
    return User.objects.get(username="kofi")


@pytest.mark.parametrize("number", ["024 123 4567", "+233 24", "+1 555 0100"])
def test_bad_phone_numbers_over_http(browser, signed_in_newcomer, sms_outbox, number):
    response = browser.submit("/profile/phone/", {"phone_number": number})

    assert response.status_code == 200
    assert error_next_to(response, "phone_number")
    assert sms_outbox == []
    assert not PhoneVerification.objects.filter(user=signed_in_newcomer).exists()


def test_wrong_expired_and_exhausted_codes_over_http(browser, signed_in_newcomer, sms_outbox):
    browser.submit("/profile/phone/", {"phone_number": "+233241234567"})
    right = code_from(sms_outbox[0])
    wrong = "000000" if right != "000000" else "111111"

    response = browser.submit("/profile/phone/confirm/", {"code": wrong})
    assert "Wrong code. 4 attempts left." in error_next_to(response, "code")

    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = browser.submit("/profile/phone/confirm/", {"code": right})
    assert "expired" in error_next_to(response, "code")

    PhoneVerification.objects.update(expires_at=timezone.now() + timedelta(minutes=5), attempts=5)
    response = browser.submit("/profile/phone/confirm/", {"code": right})
    assert "Too many wrong codes" in error_next_to(response, "code")

    signed_in_newcomer.refresh_from_db()
    assert not signed_in_newcomer.has_confirmed_phone
    assert keys.active_api_key(signed_in_newcomer) is None


def test_resend_cooldown_over_http(browser, signed_in_newcomer, sms_outbox):
    browser.submit("/profile/phone/", {"phone_number": "+233241234567"})

    response = browser.submit("/profile/phone/resend/", {}, form_page="/profile/phone/confirm/")

    assert "You can ask for a new one in" in response.text
    assert len(sms_outbox) == 1


def test_another_developers_key_is_never_served(browser, live_server):
    mine = DeveloperFactory(username="kofi", email="kofi@example.com")
    theirs = DeveloperFactory(username="ama")
    sign_in(browser)

    profile = browser.get("/profile/")
    revealed = browser.submit("/profile/api-key/reveal/", {}, form_page="/profile/")

    assert theirs.api_key_plaintext not in profile.text + revealed.text
    assert mine.api_key_plaintext in revealed.text
