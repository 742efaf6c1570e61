"""No secret where it does not belong: API key plaintexts, bearers, session ids, the
gateway's private key, callback signing secrets, passwords and one-time codes never reach
the logs; another user's pages never show the owner's secrets; error pages show nothing.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from accounts import crypto, keys, sms
from accounts.models import User
from callbacks import signing
from callbacks.delivery import attempt_delivery
from callbacks.models import CallbackDelivery
from catalog import get_api, get_market
from tests.accounts.conftest import code_from
from tests.callbacks.callback_receiver import Receiver, Reply
from tests.factories import add_totp
from tests.sandbox.helpers import bearer_for
from tests.security.test_access_matrix import TABLE
from tests.security.world import client_for

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Pass-phrase-81"
GATEWAY = "/sandbox/ipg/v2/vodafoneGHA/"


def _private_pem(keypair) -> str:
    return crypto.decrypt(keypair.private_key_encrypted)


def _pem_fragments(pem: str) -> list[str]:
    """The PEM and every line of its body (a log could hold any piece of it)."""
    return [pem, *(line for line in pem.splitlines() if line and "-----" not in line)]


def _gateway(client: Client, method: str, operation: str, bearer: str, body: dict | None = None):
    return getattr(client, method)(
        GATEWAY + operation,
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
    )


def _sign_up_and_activate(client: Client) -> tuple[User, list[str]]:
    client.post(
        "/accounts/signup/",
        {"username": "zawadi", "email": "zawadi@example.com", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip
    link = re.search(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    client.post("/accounts/login/", {"login": "zawadi", "password": PASSWORD})
    client.post("/profile/phone/", {"phone_number": "+254712345678"})
    code = code_from(sms.outbox[-1])
    client.post("/profile/phone/confirm/", {"code": code})
    client.post("/accounts/password/reset/", {"email": "zawadi@example.com"})
    reset = re.search(r"/accounts/password/reset/key/([^\s/]+)/", mail.outbox[-1].body).group(1)
    Client().get(f"/accounts/password/reset/key/{reset}/")
    return User.objects.get(username="zawadi"), [PASSWORD, code, link.split("/")[-2], reset]


def test_a_whole_flow_leaves_no_secret_in_the_logs(client, caplog, settings):
    cache.clear()
    sms.outbox.clear()
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    caplog.set_level(logging.DEBUG)

    user, secrets = _sign_up_and_activate(client)
    first_key = keys.active_api_key(user).plaintext
    client.post("/profile/api-key/reveal/", HTTP_ACCEPT="application/json")
    client.post("/profile/api-key/renew/")
    key = keys.active_api_key(user).plaintext
    client.get("/profile/")
    client.post("/docs/console/bearer/")
    client.post("/sandbox/callbacks/signing-secret/rotate/")
    signing_secret = signing.get_signing_secret(user).secret

    gateway = Client()
    bearer = bearer_for(key)
    c2b = get_api("c2bPayment").sample_request(get_market("vodafoneGHA"))
    _gateway(gateway, "post", "c2bPayment/singleStage/", bearer, c2b)
    session_id = _gateway(gateway, "get", "getSession/", bearer).json()["output_SessionID"]
    session_bearer = bearer_for(session_id)
    c2b_again = {**c2b, "input_ThirdPartyConversationID": "5ec0nd0ca11000000000000000000001"}
    _gateway(gateway, "post", "c2bPayment/singleStage/", session_bearer, c2b_again)
    old_bearer = bearer_for(first_key)
    _gateway(gateway, "post", "c2bPayment/singleStage/", old_bearer, c2b)  # retired: 401

    with Receiver([Reply(status=500), Reply()]) as receiver:
        client.post("/profile/async-response-url/", {"async_response_url": receiver.url})
        c2b_async = {**c2b, "input_ThirdPartyConversationID": "a57c0ca11000000000000000000000001"}
        accepted = _gateway(gateway, "post", "c2bPayment/singleStage/", bearer, c2b_async)
        assert accepted.status_code in (200, 201), accepted.content
        delivery = CallbackDelivery.objects.get(user=user)
        attempt_delivery(delivery.pk)  # 500: a failure, logged
        CallbackDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
        attempt_delivery(delivery.pk)
        assert len(receiver.received) == 2
    delivery.refresh_from_db()
    assert delivery.status == "delivered"

    pem = _private_pem(keys.current_keypair())
    named = ["password", "phone code", "activation key", "reset key"]
    forbidden = {
        "API key": first_key,
        "renewed API key": key,
        "bearer": bearer,
        "session id": session_id,
        "session bearer": session_bearer,
        "retired key's bearer": old_bearer,
        "signing secret": signing_secret,
        **{f"private key piece {n}": piece for n, piece in enumerate(_pem_fragments(pem))},
        **dict(zip(named, secrets, strict=True)),
    }
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 20, "the flow should have been logged"
    leaked = [name for name, secret in forbidden.items() if secret in logged]
    assert leaked == []
    # Mail carries the activation and reset links it exists for, and no other secret.
    mailed = "\n".join(m.subject + m.body for m in mail.outbox)
    links = {"activation key", "reset key"}
    assert [n for n, s in forbidden.items() if n not in links and s in mailed] == []


# --- Other users' pages --------------------------------------------------------------------


def _owner_secrets(world) -> dict[str, str]:
    return {
        "owner's API key": world.owner.api_key_plaintext,
        "owner's signing secret": world.signing_secret,
        **{f"private key piece {n}": s for n, s in enumerate(_pem_fragments(
            _private_pem(world.keypair)))},
    }  # fmt: skip


GET_ROUTES = sorted(route for route, row in TABLE.items() if row.method == "get")


@pytest.mark.parametrize("role", ["anonymous", "other", "staff"])
def test_no_page_shows_the_owners_secrets_to_anyone_else(world, role):
    client = client_for(role, world)
    secrets = _owner_secrets(world)
    for route in GET_ROUTES:
        row = TABLE[route]
        response = client.get(row.path(world), row.data(world) if row.data else {})
        body = b"".join(response) if response.streaming else response.content
        text = body.decode(errors="replace")
        leaked = [name for name, secret in secrets.items() if secret in text]
        assert leaked == [], f"{role} GET {route}"


def test_not_even_the_owner_sees_the_gateways_private_key(world):
    """(The owner's own API key does appear on their pages: revealed on My Profile, and in
    the documentation's samples, which are filled in with it.)"""
    client = client_for("owner", world)
    for route in GET_ROUTES:
        row = TABLE[route]
        body = client.get(row.path(world), row.data(world) if row.data else {})
        text = (b"".join(body) if body.streaming else body.content).decode(errors="replace")
        assert not any(piece in text for piece in _pem_fragments(_private_pem(world.keypair)))


def test_even_a_superuser_sees_no_plaintext_secret_in_the_admin(world):
    admin = User.objects.create_superuser("root", "root@example.com", "root-pass-phrase-99")
    add_totp(admin)
    client = Client()
    client.force_login(admin)
    secrets = _owner_secrets(world)
    for route in sorted(r for r in TABLE if r.startswith("admin/") and TABLE[r].method == "get"):
        response = client.get(TABLE[route].path(world))
        text = response.content.decode(errors="replace")
        leaked = [name for name, secret in secrets.items() if secret in text]
        assert leaked == [], f"superuser GET {route}"


# --- Error pages ------------------------------------------------------------------------------


def _boom(request):
    secret = keys.active_api_key(User.objects.get(username="dev")).plaintext  # noqa: F841
    raise RuntimeError(f"something broke near key {secret}")


def _ok(request):
    return HttpResponse("ok")


urlpatterns = [
    path("boom/", _boom),
    path("ok/", _ok),
    path("", include("portal.urls")),
]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_page_shows_no_secret_and_no_traceback(developer):
    client = Client(raise_request_exception=False)
    logging.getLogger("django.request").disabled = True  # the test's own exception message
    try:
        response = client.get("/boom/")
    finally:
        logging.getLogger("django.request").disabled = False

    assert response.status_code == 500
    body = response.content.decode()
    assert developer.api_key_plaintext not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    assert "SECRET_KEY" not in body


@override_settings(DEBUG=False)
def test_a_not_found_page_echoes_nothing(developer):
    probe = f"/no-such-page/{developer.api_key_plaintext}/"

    response = Client().get(probe)

    assert response.status_code == 404
    assert developer.api_key_plaintext not in response.content.decode()


def test_the_gateways_internal_error_shows_no_secret(developer, monkeypatch):
    from sandbox import services

    def broken(call, refused):
        raise RuntimeError(f"broke on {developer.api_key_plaintext}")

    monkeypatch.setattr(services, "complete_call", broken)
    logging.getLogger("sandbox.gateway").disabled = True  # the test's own exception message
    try:
        c2b = get_api("c2bPayment").sample_request(get_market("vodafoneGHA"))
        response = _gateway(
            Client(),
            "post",
            "c2bPayment/singleStage/",
            bearer_for(developer.api_key_plaintext),
            c2b,
        )
    finally:
        logging.getLogger("sandbox.gateway").disabled = False

    assert response.status_code == 500
    assert developer.api_key_plaintext not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_go_live_mail_and_logs_carry_no_live_key(world, caplog, django_capture_on_commit_callbacks):
    from golive import services as golive_services
    from tests.golive.helpers import grant_review_permission

    caplog.set_level(logging.DEBUG)
    reviewer = grant_review_permission(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        golive_services.start_review(world.golive_request, by=reviewer)
        golive_services.approve_request(world.golive_request, by=reviewer)
    live_key = keys.active_api_key(world.owner, environment="live").plaintext

    assert mail.outbox, "the developer and staff should have been told"
    assert all(live_key not in m.subject + m.body for m in mail.outbox)
    assert live_key not in caplog.text
    other = client_for("other", world)
    for page in ("/profile/", "/golive/", f"/golive/requests/{world.golive_request.public_id}/"):
        assert live_key not in other.get(page).content.decode()
