"""Registration and email activation through allauth, with the portal's templates."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import TEST_PASSWORD, DeveloperFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
GOOD = {
    "username": "amina",
    "email": "amina@example.com",
    "password1": TEST_PASSWORD,
    "password2": TEST_PASSWORD,
}


def activation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_signup_page_has_labelled_fields(client):
    response = client.get(SIGNUP)

    assert response.status_code == 200
    html = response.content.decode()
    for field_id, label in [
        ("id_username", "Username"),
        ("id_email", "Email"),
        ("id_password1", "Password"),
        ("id_password2", "Password (again)"),
    ]:
        assert f'<label for="{field_id}">{label}</label>' in html
    assert "Register" in html


def test_signup_sends_an_activation_link_and_the_account_cannot_sign_in_yet(client):
    response = client.post(SIGNUP, GOOD)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(username="amina")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@example.com"]
    assert "Activate your developer account" in mail.outbox[0].subject
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    # The sign-up did not sign the user in, and signing in is refused until activation.
    client.logout()
    response = client.post(LOGIN, {"login": "amina", "password": TEST_PASSWORD}, follow=True)
    page = response.content.decode()
    assert "Until the link has been followed, this account cannot sign in." in page
    assert "Resend the link" in page
    assert "_auth_user_id" not in client.session


def test_activation_link_then_sign_in_by_email_leads_to_the_phone_step(client):
    client.post(SIGNUP, GOOD)
    link = activation_link(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my email address" in page.content.decode()
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="amina@example.com").verified
    response = client.post(LOGIN, {"login": "amina@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:phone-add")


def test_reused_activation_link_is_refused(client):
    client.post(SIGNUP, GOOD)
    link = activation_link(mail.outbox[0])
    client.post(link)

    response = client.get(link)

    assert response.status_code == 200
    assert "This activation link has expired or was already used." in response.content.decode()
    response = client.post(link)
    assert response.status_code == 404


def test_expired_activation_link_is_refused(client, settings):
    client.post(SIGNUP, GOOD)
    link = activation_link(mail.outbox[0])
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0  # every link is now past its age

    response = client.get(link)

    assert "This activation link has expired or was already used." in response.content.decode()
    client.post(link)
    assert not EmailAddress.objects.get(email="amina@example.com").verified


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "taken"}, "username", "A user with that username already exists."),
        ({"username": "TAKEN"}, "username", "A user with that username already exists."),
        ({"password1": "123", "password2": "123"}, "password1", "This password is too short."),
        (
            {"password1": "password123", "password2": "password123"},
            "password1",
            "This password is too common.",
        ),
        ({"password2": "something-else-42"}, "password2", "You must type the same password"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_bad_signup_input_shows_the_error_next_to_the_field_and_creates_nothing(
    client, change, field, message
):
    DeveloperFactory(username="taken", email="taken@example.com")
    users_before = User.objects.count()

    response = client.post(SIGNUP, {**GOOD, **change})

    assert response.status_code == 200
    html = response.content.decode()
    error_list = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert error_list, f"no error list under {field}"
    assert message in error_list.group(1)
    assert User.objects.count() == users_before
    assert mail.outbox == []


def test_wrong_password_is_refused_with_a_message(client, developer):
    response = client.post(LOGIN, {"login": "dev", "password": "wrong-password-1"})

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_up_user_signs_out(client, developer):
    client.force_login(developer)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(client, developer):
    response = client.post("/accounts/password/reset/", {"email": developer.email})
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)

    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "a-brand-new-secret-77", "password2": "a-brand-new-secret-77"}
    )

    assert response.status_code == 302
    developer.refresh_from_db()
    assert developer.check_password("a-brand-new-secret-77")
    assert developer.security_events.filter(kind="password_reset").exists()


def test_failed_sign_ins_are_rate_limited(client, developer):
    for _ in range(5):
        client.post(LOGIN, {"login": "dev", "password": "wrong-password-1"})

    response = client.post(LOGIN, {"login": "dev", "password": TEST_PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_ups_are_rate_limited_per_address(client):
    for n in range(20):
        client.post(SIGNUP, {**GOOD, "username": f"bulk{n}", "email": f"bulk{n}@example.com"})

    response = client.post(SIGNUP, {**GOOD, "username": "bulk99", "email": "bulk99@example.com"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(username="bulk99").exists()


def test_a_deactivated_developer_cannot_sign_in(client, developer):
    User.objects.filter(pk=developer.pk).update(is_active=False)

    response = client.post(LOGIN, {"login": "dev", "password": TEST_PASSWORD}, follow=True)

    assert "This account is deactivated" in response.content.decode()
    assert "_auth_user_id" not in client.session
