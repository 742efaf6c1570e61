"""The phone step: the redirect, the number, the SMS code, and activation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import keys
from accounts.models import PhoneVerification, SecurityEvent, User
from tests.accounts.conftest import code_from
from tests.factories import DeveloperFactory

pytestmark = pytest.mark.django_db

ADD = "/profile/phone/"
CONFIRM = "/profile/phone/confirm/"
RESEND = "/profile/phone/resend/"
KE_NUMBER = "+254712345678"


def field_errors(response, field: str) -> str:
    html = response.content.decode()
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


def send_code(client, number=KE_NUMBER):
    return client.post(ADD, {"phone_number": number})


# --- The redirect -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/profile/",
        "/profile/account/",
        "/profile/security/",
        "/profile/integration/",
        "/",
        "/reports/",
        "/profile/api-key/renew/",
        "/sandbox/callbacks/",
        "/golive/",
        "/applications/",
    ],
)
def test_every_portal_page_redirects_to_the_phone_step(newcomer_client, path):
    response = newcomer_client.get(path)

    assert response.status_code == 302
    assert response["Location"] == ADD


@pytest.mark.parametrize(
    "path",
    ["/docs/", "/docs/apis/c2bPayment/", "/docs/getting-started/keys/", "/docs/reference/"],
)
def test_the_public_docs_are_read_before_the_phone_step(newcomer_client, path):
    response = newcomer_client.get(path)

    assert response.status_code == 200
    assert b"Sign out" in response.content  # still signed in, reading the same docs


def test_the_docs_console_waits_for_the_phone(newcomer_client):
    response = newcomer_client.post("/docs/console/bearer/")

    assert response.status_code == 302
    assert response["Location"] == ADD


@pytest.mark.parametrize(
    "path",
    [
        ADD,
        "/healthz",
        "/static/css/portal.css",
        "/sandbox/openapi.json",
        "/sandbox/ipg/v2/vodafoneGHA/queryTransactionStatus/",
    ],
)
def test_phone_pages_and_infrastructure_stay_reachable(newcomer_client, path):
    response = newcomer_client.get(path)

    # Not redirected (the test client serves no static files: 404 is the answer there).
    assert response.status_code != 302


def test_sign_out_stays_reachable(newcomer_client):
    response = newcomer_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] != ADD


def test_sandbox_gateway_is_not_redirected(newcomer_client):
    response = newcomer_client.post("/sandbox/ipg/v2/vodafoneGHA/getSession/")

    assert response.status_code != 302


def test_developer_with_a_confirmed_phone_is_not_redirected(developer_client):
    assert developer_client.get("/profile/").status_code == 200


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(ADD)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_wrong_method_is_refused(newcomer_client):
    assert newcomer_client.put(ADD).status_code == 405
    assert newcomer_client.get(RESEND).status_code == 405


# --- The number ----------------------------------------------------------------------------


def test_a_valid_number_is_normalised_and_gets_a_code_by_sms(newcomer_client, newcomer, sms_outbox):
    response = send_code(newcomer_client, "+254 712 345-678")

    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    verification = PhoneVerification.objects.get(user=newcomer)
    assert verification.phone_number == KE_NUMBER
    assert len(sms_outbox) == 1
    assert sms_outbox[0].to == KE_NUMBER
    code = code_from(sms_outbox[0])
    assert code not in verification.code_digest  # only a keyed digest is stored
    newcomer.refresh_from_db()
    assert newcomer.phone_number is None  # not before the code is confirmed


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("0712345678", "Start the number with + and the country code"),
        ("712 345 678", "Start the number with + and the country code"),
        ("+254 12", "This phone number is not valid."),
        ("+999123456789", "not"),
        ("hello", "Start the number with +"),
        ("", "This field is required."),
    ],
)
def test_invalid_or_national_numbers_are_refused_next_to_the_field(
    newcomer_client, newcomer, sms_outbox, number, message
):
    response = send_code(newcomer_client, number)

    assert response.status_code == 200
    assert message in field_errors(response, "phone_number")
    assert not PhoneVerification.objects.filter(user=newcomer).exists()
    assert sms_outbox == []


def test_a_number_of_another_account_looks_free_but_gets_no_sms_and_never_confirms(
    newcomer_client, newcomer, sms_outbox
):
    """No oracle (issue 18, finding 5): the same page as for a free number, no SMS to
    the other account's phone, and no six digits confirm it."""
    DeveloperFactory(username="owner", phone_number=KE_NUMBER)

    response = send_code(newcomer_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:phone-confirm")
    assert sms_outbox == []
    assert PhoneVerification.objects.filter(user=newcomer, phone_number=KE_NUMBER).exists()
    for code in ("000000", "123456", "999999"):
        newcomer_client.post(reverse("accounts:phone-confirm"), {"code": code})
    newcomer.refresh_from_db()
    assert not newcomer.has_confirmed_phone


# --- The code ---------------------------------------------------------------------------------


def test_the_right_code_confirms_the_phone_and_activates_the_account(
    newcomer_client, newcomer, sms_outbox
):
    send_code(newcomer_client)

    response = newcomer_client.post(CONFIRM, {"code": code_from(sms_outbox[0])})

    assert response.status_code == 302
    assert response["Location"] == "/profile/#api-key"
    newcomer.refresh_from_db()
    assert newcomer.phone_number == KE_NUMBER
    assert newcomer.has_confirmed_phone
    key = keys.active_api_key(newcomer)
    assert key is not None and len(key.plaintext) == 32
    assert newcomer.security_events.filter(kind=SecurityEvent.Kind.PHONE_CONFIRMED).exists()
    profile = newcomer_client.get("/profile/")
    assert profile.status_code == 200
    assert key.plaintext in profile.content.decode()  # shown once, right after activation


def test_a_wrong_code_is_refused_and_counted(newcomer_client, newcomer, sms_outbox):
    send_code(newcomer_client)
    right = code_from(sms_outbox[0])
    wrong = "000000" if right != "000000" else "111111"

    response = newcomer_client.post(CONFIRM, {"code": wrong})

    assert response.status_code == 200
    assert "Wrong code. 4 attempts left." in field_errors(response, "code")
    assert PhoneVerification.objects.get(user=newcomer).attempts == 1
    newcomer.refresh_from_db()
    assert not newcomer.has_confirmed_phone
    assert keys.active_api_key(newcomer) is None


@pytest.mark.parametrize("code", ["12345", "abcdef", "1234567", ""])
def test_a_malformed_code_is_refused_without_counting(newcomer_client, newcomer, code):
    send_code(newcomer_client)

    response = newcomer_client.post(CONFIRM, {"code": code})

    assert response.status_code == 200
    assert field_errors(response, "code")
    assert PhoneVerification.objects.get(user=newcomer).attempts == 0


def test_an_expired_code_is_refused(newcomer_client, newcomer, sms_outbox):
    send_code(newcomer_client)
    PhoneVerification.objects.filter(user=newcomer).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = newcomer_client.post(CONFIRM, {"code": code_from(sms_outbox[0])})

    assert "This code has expired. Ask for a new code." in field_errors(response, "code")
    newcomer.refresh_from_db()
    assert not newcomer.has_confirmed_phone


def test_too_many_attempts_lock_the_code_even_when_it_is_finally_right(
    newcomer_client, newcomer, sms_outbox
):
    send_code(newcomer_client)
    right = code_from(sms_outbox[0])
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        response = newcomer_client.post(CONFIRM, {"code": wrong})
    assert "last attempt" in field_errors(response, "code")

    response = newcomer_client.post(CONFIRM, {"code": right})

    assert "Too many wrong codes. Ask for a new code." in field_errors(response, "code")
    newcomer.refresh_from_db()
    assert not newcomer.has_confirmed_phone
    assert keys.active_api_key(newcomer) is None


def test_resend_has_a_cooldown(newcomer_client, newcomer, sms_outbox):
    send_code(newcomer_client)

    response = newcomer_client.post(RESEND, follow=True)

    assert "You can ask for a new one in" in response.content.decode()
    assert len(sms_outbox) == 1
    # Changing the number does not dodge the cooldown either.
    response = send_code(newcomer_client, "+254722000111")
    assert "You can ask for a new one in" in field_errors(response, "phone_number")
    assert len(sms_outbox) == 1


def test_resend_after_the_cooldown_sends_a_new_code_and_the_old_one_stops_working(
    newcomer_client, newcomer, sms_outbox
):
    send_code(newcomer_client)
    PhoneVerification.objects.filter(user=newcomer).update(
        sent_at=timezone.now() - timedelta(seconds=61)
    )

    response = newcomer_client.post(RESEND)

    assert response.status_code == 302
    assert len(sms_outbox) == 2
    old, new = code_from(sms_outbox[0]), code_from(sms_outbox[1])
    assert PhoneVerification.objects.filter(user=newcomer).count() == 1
    if old != new:
        response = newcomer_client.post(CONFIRM, {"code": old})
        assert "Wrong code" in field_errors(response, "code")
    response = newcomer_client.post(CONFIRM, {"code": new})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.has_confirmed_phone


def test_confirm_without_a_pending_code_goes_back_to_the_number(newcomer_client):
    response = newcomer_client.get(CONFIRM)

    assert response.status_code == 302
    assert response["Location"] == ADD


def test_another_users_code_cannot_confirm_my_phone(newcomer_client, newcomer, client, sms_outbox):
    other = DeveloperFactory(username="other", phone_confirmed_at=None, phone_number=None)
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    other_client.post(ADD, {"phone_number": "+254733000222"})
    their_code = code_from(sms_outbox[0])

    send_code(newcomer_client)
    mine = code_from(sms_outbox[1])
    if mine != their_code:
        response = newcomer_client.post(CONFIRM, {"code": their_code})
        assert "Wrong code" in field_errors(response, "code")
    newcomer.refresh_from_db()
    assert newcomer.phone_number is None or newcomer.phone_number == KE_NUMBER
    assert User.objects.get(pk=other.pk).phone_number is None


# --- Changing a confirmed number ------------------------------------------------------------


def test_changing_the_phone_needs_a_new_code_and_keeps_the_old_number_until_then(
    developer_client, developer, sms_outbox
):
    old_number = developer.phone_number
    old_key = keys.active_api_key(developer)
    # The form says where the change started: My Profile's Account tab.
    form = developer_client.get(ADD).content.decode()
    assert '<input type="hidden" name="next" value="/profile/account/">' in form

    response = developer_client.post(
        ADD, {"phone_number": "+233241234567", "next": "/profile/account/"}
    )
    assert response.status_code == 302
    developer.refresh_from_db()
    assert developer.phone_number == old_number
    assert developer_client.get("/profile/").status_code == 200  # no phone-step redirect

    response = developer_client.post(CONFIRM, {"code": code_from(sms_outbox[0])})

    assert response.status_code == 302
    assert response["Location"] == "/profile/account/"
    developer.refresh_from_db()
    assert developer.phone_number == "+233241234567"
    assert keys.active_api_key(developer) == old_key  # no new key for a phone change
    assert developer.security_events.filter(kind=SecurityEvent.Kind.PHONE_CHANGED).exists()


@pytest.mark.parametrize("next_url", [None, "https://evil.example/profile/", "//evil.example/"])
def test_a_phone_change_without_a_next_of_this_site_ends_on_my_profile(
    developer_client, developer, sms_outbox, next_url
):
    data = {"phone_number": "+233241234567"} | ({"next": next_url} if next_url else {})
    developer_client.post(ADD, data)

    response = developer_client.post(CONFIRM, {"code": code_from(sms_outbox[0])})

    assert response["Location"] == "/profile/"
    developer.refresh_from_db()
    assert developer.phone_number == "+233241234567"


def test_the_first_phone_step_has_no_next(newcomer_client):
    assert 'name="next"' not in newcomer_client.get(ADD).content.decode()


def test_the_same_confirmed_number_is_refused(developer_client, developer, sms_outbox):
    response = developer_client.post(ADD, {"phone_number": developer.phone_number})

    assert "already your confirmed phone number" in field_errors(response, "phone_number")
    assert sms_outbox == []


def test_staff_are_not_sent_to_the_phone_step(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="staffer", is_staff=True))

    assert client.get("/profile/").status_code == 200


def test_a_pending_email_change_link_stays_reachable(newcomer_client):
    response = newcomer_client.get("/accounts/confirm-email/not-a-real-key/")

    assert response.status_code == 200
