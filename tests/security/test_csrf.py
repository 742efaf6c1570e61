"""CSRF: every route refuses a POST without a token (403), for every caller.

Only the gateway's routes, the `listen` endpoints and the partner API are exempt: they
authenticate by bearer header, never by cookie, so a forged cross-site request carries no
credential (the access matrix shows a signed-in session gets 401 there).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.test_access_matrix import TABLE
from tests.security.world import client_for

pytestmark = pytest.mark.django_db

BEARER_ONLY = {
    "sandbox/^ipg/v2/(?P<market>[^/]+)/(?P<operation>.*)$",
    "sandbox/^ipg/",
    "reports/api/v1/keys/",
    "reports/api/v1/calls/",
    "reports/api/v1/summary/",
    "reports/api/schema/",
    # The library file's `listen` (docs/callbacks.md): the gateway bearer, no cookie.
    "sandbox/callbacks/listen/next",
    "sandbox/callbacks/listen/disconnect",
    "sandbox/callbacks/listen/<uuid:public_id>/result",
}
CHECKED = sorted(set(TABLE) - BEARER_ONLY)


def _roles(route: str) -> tuple[str, ...]:
    return ("anonymous", "staff") if route.startswith("admin/") else ("anonymous", "owner")


@pytest.fixture
def world(shared_world):
    """One world for the module (tests/security/conftest.py)."""
    return shared_world


@pytest.mark.parametrize("route", CHECKED)
def test_post_without_token_is_refused(route, world):
    path = TABLE[route].path(world)
    for role in _roles(route):
        client = client_for(role, world, enforce_csrf_checks=True)

        response = client.post(path, {"anything": "x"})

        assert response.status_code == 403, f"{role} POST {path}: {response.status_code}"
        assert b"CSRF verification failed" in response.content, f"{role} POST {path}"


@pytest.mark.parametrize("route", sorted(BEARER_ONLY))
def test_bearer_routes_are_exempt_and_refuse_a_session(route, world):
    """Exempt, yet a signed-in browser's cookie gets nowhere: 401 without a bearer."""
    path = TABLE[route].path(world)
    response = client_for("owner", world, enforce_csrf_checks=True).post(path, {})

    if route == "sandbox/^ipg/":
        assert response.status_code == 404  # no such API, whoever asks
    elif route == "reports/api/schema/":
        # Read-only; a session caller meets DRF's own CSRF check first.
        assert response.status_code in (403, 405)
    elif route == "sandbox/callbacks/listen/next":
        assert response.status_code == 405  # a long-poll GET
        response = client_for("owner", world, enforce_csrf_checks=True).get(path)
        assert response.status_code == 401
    else:
        assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("/profile/details/", {"first_name": "Ada", "last_name": "L"}, 302),
        ("/profile/api-key/reveal/", {}, 302),
        ("/sandbox/callbacks/signing-secret/rotate/", {}, 302),
        ("/docs/console/bearer/", {}, 200),
    ],
)
def test_the_same_post_with_the_token_is_accepted(path, data, expected, world):
    """The control: what the refusal above refuses is the missing token, not the POST."""
    client = client_for("owner", world, enforce_csrf_checks=True)
    client.get("/profile/")
    token = client.cookies["csrftoken"].value

    response = client.post(path, data, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == expected


def test_sign_in_form_refuses_a_post_without_token():
    """Login CSRF: a forged sign-in (into the attacker's account) is refused."""
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"login": "dev", "password": "x"})

    assert response.status_code == 403
