"""Who may open what: every route of the URLconf, for four callers.

- anonymous: signed out;
- other: another activated developer (the owner's objects do not exist for them: 404);
- staff: a staff member with no permission at all (admin pages refuse them with 403);
- owner: the developer whose report, Go Live request and callback delivery are used.

The table is keyed by route (the URLconf's pattern strings, walked with get_resolver()),
and `test_every_route_is_in_the_table` fails as soon as a URL is added without a row
here, so a new page cannot be forgotten.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client

from accounts.keys import default_application
from accounts.services import record_staff_action
from apis import library
from sandbox.models import ApiCall
from tests.security.world import World, client_for, walk_patterns

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other", "staff", "owner")


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location starts with `prefix`."""

    prefix: str


SIGN_IN = Redirect("/accounts/login/?next=")
ADMIN_LOGIN = Redirect("/admin/login/?next=")
REAUTHENTICATE = Redirect("/accounts/reauthenticate/?next=")


@dataclass(frozen=True)
class Envelope:
    """The gateway's JSON envelope with this HTTP status and result code."""

    status: int
    code: str


NO_BEARER = Envelope(401, "INS-2")
GATEWAY_NOT_FOUND = Envelope(404, "INS-997")


@dataclass(frozen=True)
class Row:
    path: Callable[[World], str]
    expect: dict = field(default_factory=dict)
    method: str = "get"
    data: Callable[[World], dict] | None = None


def _p(path: str) -> Callable[[World], str]:
    return lambda w: path


def public(path, status=200, method="get", **kw) -> Row:
    return Row(
        _p(path) if isinstance(path, str) else path, dict.fromkeys(ROLES, status), method, **kw
    )


def signed_in(path, status=200, method="get", *, staff=None, data=None) -> Row:
    """Sign-in required; then every signed-in caller gets their own version of the page."""
    expect = {"anonymous": SIGN_IN, "other": status, "owner": status}
    expect["staff"] = status if staff is None else staff
    return Row(_p(path) if isinstance(path, str) else path, expect, method, data)


def owned(path, status=200, method="get") -> Row:
    """An object of the owner's: 404 for everyone else signed in."""
    expect = {"anonymous": SIGN_IN, "other": 404, "staff": 404, "owner": status}
    return Row(path, expect, method)


def admin(path, staff=403, method="get") -> Row:
    """Admin pages: non-staff are sent to the admin's sign-in, staff without a
    permission are refused."""
    expect = {"anonymous": ADMIN_LOGIN, "other": ADMIN_LOGIN, "owner": ADMIN_LOGIN}
    expect["staff"] = staff
    return Row(_p(path) if isinstance(path, str) else path, expect, method)


def gateway(path, expect: Envelope, method="post") -> Row:
    return Row(_p(path), dict.fromkeys(ROLES, expect), method)


def _library_status(get) -> Callable[[], int]:
    """Decided when the test runs: 200 if `make sdk` built the file, else the 503 page."""
    return lambda: 200 if get() is not None else 503


def _admin_model(app_model: str, object_id: Callable[[World], object]) -> dict[str, Row]:
    base = f"admin/{app_model}/"
    obj = lambda suffix: lambda w: f"/{base}{object_id(w)}/{suffix}"  # noqa: E731
    return {
        base: admin(f"/{base}"),
        base + "add/": admin(f"/{base}add/"),
        base + "<path:object_id>/history/": admin(obj("history/")),
        base + "<path:object_id>/delete/": admin(obj("delete/")),
        base + "<path:object_id>/change/": admin(obj("change/")),
        # The bare object URL redirects to its change page, which then refuses.
        base + "<path:object_id>/": admin(obj(""), staff=Redirect(f"/{base}")),
    }


TABLE: dict[str, Row] = {
    "": public("/"),
    "healthz": public("/healthz"),
    # Off without METRICS_TOKEN (its own tests set one: tests/ops/test_metrics_view.py).
    "metrics": public("/metrics", 404),
    "status/": public("/status/"),
    ".well-known/security.txt": public("/.well-known/security.txt"),
    # --- Django admin ------------------------------------------------------------------
    "admin/": admin("/admin/", staff=200),
    # Sign-in goes through allauth (rate limits, two factors); a signed-in developer is
    # refused rather than sent round in a loop.
    "admin/login/": Row(
        _p("/admin/login/"),
        {
            "anonymous": Redirect("/accounts/login/?next="),
            "other": 403,
            "owner": 403,
            "staff": Redirect("/admin/"),
        },
    ),
    "admin/logout/": Row(
        _p("/admin/logout/"),
        {
            "anonymous": Redirect("/admin/"),
            "other": Redirect("/admin/"),
            "owner": Redirect("/admin/"),
            "staff": 405,
        },
    ),
    "admin/password_change/": admin("/admin/password_change/", staff=200),
    "admin/password_change/done/": admin("/admin/password_change/done/", staff=200),
    "admin/autocomplete/": admin("/admin/autocomplete/"),
    "admin/jsi18n/": admin("/admin/jsi18n/", staff=200),
    "admin/r/<path:content_type_id>/<path:object_id>/": admin(
        lambda w: f"/admin/r/{_content_type_id('accounts', 'user')}/{w.owner.pk}/", staff=404
    ),
    **_admin_model("auth/group", lambda w: w.group.pk),
    **_admin_model("account/emailaddress", lambda w: w.owner.emailaddress_set.get().pk),
    "admin/accounts/user/<id>/password/": admin(
        lambda w: f"/admin/accounts/user/{w.owner.pk}/password/"
    ),
    **_admin_model("accounts/user", lambda w: w.owner.pk),
    **_admin_model("accounts/gatewaykeypair", lambda w: w.keypair.pk),
    **_admin_model("accounts/application", lambda w: w.owner.api_key.application_id),
    **_admin_model("accounts/staffaction", lambda w: _staff_action_id()),
    **_admin_model("sandbox/transaction", lambda w: w.transaction.pk),
    **_admin_model("sandbox/mandate", lambda w: w.mandate.pk),
    "admin/golive/goliverequest/<path:object_id>/approve/": admin(
        lambda w: f"/admin/golive/goliverequest/{w.golive_request.pk}/approve/", method="post"
    ),
    "admin/golive/goliverequest/<path:object_id>/reject/": admin(
        lambda w: f"/admin/golive/goliverequest/{w.golive_request.pk}/reject/", method="post"
    ),
    "admin/golive/goliverequest/<path:object_id>/request-changes/": admin(
        lambda w: f"/admin/golive/goliverequest/{w.golive_request.pk}/request-changes/",
        method="post",
    ),
    "admin/golive/goliverequest/<path:object_id>/revoke/": admin(
        lambda w: f"/admin/golive/goliverequest/{w.golive_request.pk}/revoke/", method="post"
    ),
    "admin/golive/goliverequest/<path:object_id>/comment/": admin(
        lambda w: f"/admin/golive/goliverequest/{w.golive_request.pk}/comment/", method="post"
    ),
    **_admin_model("golive/goliverequest", lambda w: w.golive_request.pk),
    **_admin_model("mfa/authenticator", lambda w: w.staff.authenticator_set.get().pk),
    **_admin_model("golive/conformancerequirement", lambda w: w.conformance_requirement.pk),
    **_admin_model("golive/receivercheck", lambda w: w.receiver_check.pk),
    "admin/^(?P<app_label>auth|account|mfa|accounts|sandbox|golive)/$": admin(
        "/admin/accounts/", staff=404
    ),
    "admin/(?P<url>.*)$": admin("/admin/no-such-page/", staff=404),
    # --- allauth -----------------------------------------------------------------------
    "accounts/login/": Row(
        _p("/accounts/login/"),
        {
            "anonymous": 200,
            "other": Redirect("/profile/"),
            "staff": Redirect("/profile/"),
            "owner": Redirect("/profile/"),
        },
    ),
    "accounts/logout/": Row(
        _p("/accounts/logout/"),
        {"anonymous": Redirect("/"), "other": 200, "staff": 200, "owner": 200},
    ),
    "accounts/inactive/": public("/accounts/inactive/"),
    # The language switcher: anyone may choose; it redirects back ("/" without a next).
    "i18n/setlang/": public("/i18n/setlang/", Redirect("/"), method="post"),
    # The scripts' translations (portal/jsi18n.py): the same file for everyone.
    "i18n/js/<str:language>/<slug:version>.js": public("/i18n/js/fr/0123456789abcdef.js"),
    "accounts/signup/": Row(
        _p("/accounts/signup/"),
        {
            "anonymous": 200,
            "other": Redirect("/profile/"),
            "staff": Redirect("/profile/"),
            "owner": Redirect("/profile/"),
        },
    ),
    "accounts/reauthenticate/": signed_in("/accounts/reauthenticate/"),
    # Codes go by email: the staff member has no verified address, so no code.
    "accounts/reauthenticate/code/": signed_in(
        "/accounts/reauthenticate/code/", staff=Redirect("/accounts/reauthenticate/")
    ),
    # Without a code requested first, back to the step before.
    "accounts/reauthenticate/code/confirm/": signed_in(
        "/accounts/reauthenticate/code/confirm/", Redirect("/accounts/reauthenticate/code/")
    ),
    "accounts/email/": signed_in("/accounts/email/"),
    # --- allauth two-factor (the staff member has an authenticator app on) ---------------
    # A test client's session has no recent sign-in, so changes ask for the password first.
    "accounts/2fa/": signed_in("/accounts/2fa/"),
    # Only between the password and the code of a sign-in.
    "accounts/2fa/authenticate/": Row(
        _p("/accounts/2fa/authenticate/"),
        {
            "anonymous": Redirect("/accounts/login/"),
            **dict.fromkeys(ROLES[1:], Redirect("/profile/")),
        },
    ),
    "accounts/2fa/reauthenticate/": signed_in(
        "/accounts/2fa/reauthenticate/", Redirect("/accounts/reauthenticate/"), staff=200
    ),
    # Nobody here has recovery codes yet.
    "accounts/2fa/recovery-codes/": signed_in("/accounts/2fa/recovery-codes/", 404),
    "accounts/2fa/recovery-codes/download/": signed_in(
        "/accounts/2fa/recovery-codes/download/", 404
    ),
    "accounts/2fa/recovery-codes/generate/": signed_in(
        "/accounts/2fa/recovery-codes/generate/", REAUTHENTICATE
    ),
    "accounts/2fa/totp/activate/": signed_in("/accounts/2fa/totp/activate/", REAUTHENTICATE),
    # Only the staff member has an app to turn off.
    "accounts/2fa/totp/deactivate/": signed_in(
        "/accounts/2fa/totp/deactivate/", 404, staff=REAUTHENTICATE
    ),
    # Passkeys (WebAuthn). Nobody here has one; adding, renaming and removing one asks
    # for the password first, like every two-factor change (before the key is looked up:
    # the staff member's authenticator app stands in for a key id).
    "accounts/2fa/webauthn/": signed_in("/accounts/2fa/webauthn/"),
    "accounts/2fa/webauthn/add/": signed_in("/accounts/2fa/webauthn/add/", REAUTHENTICATE),
    # Re-authenticating with a passkey one does not have falls back to the password.
    "accounts/2fa/webauthn/reauthenticate/": signed_in(
        "/accounts/2fa/webauthn/reauthenticate/", Redirect("/accounts/reauthenticate/")
    ),
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": signed_in(
        lambda w: f"/accounts/2fa/webauthn/keys/{w.staff.authenticator_set.get().pk}/remove/",
        REAUTHENTICATE,
    ),
    "accounts/2fa/webauthn/keys/<int:pk>/edit/": signed_in(
        lambda w: f"/accounts/2fa/webauthn/keys/{w.staff.authenticator_set.get().pk}/edit/",
        REAUTHENTICATE,
    ),
    # Passwordless sign-in: the page's script fetches its challenge as JSON (tested in
    # tests/security/test_passkeys.py and tests/e2e/test_passkeys.py); a plain GET goes
    # to the sign-in page, or to My Profile if signed in.
    "accounts/2fa/webauthn/login/": Row(
        _p("/accounts/2fa/webauthn/login/"),
        {
            "anonymous": Redirect("/accounts/login/"),
            **dict.fromkeys(ROLES[1:], Redirect("/profile/")),
        },
    ),
    "accounts/confirm-email/": public("/accounts/confirm-email/"),
    "accounts/password/change/": signed_in("/accounts/password/change/"),
    # Everyone here has a password already: sent to "change".
    "accounts/password/set/": signed_in(
        "/accounts/password/set/", Redirect("/accounts/password/change/")
    ),
    "accounts/password/reset/": public("/accounts/password/reset/"),
    # Sign-in by code is off: back to the sign-in page.
    "accounts/login/code/confirm/": Row(
        _p("/accounts/login/code/confirm/"),
        {
            "anonymous": Redirect("/accounts/login/"),
            **dict.fromkeys(ROLES[1:], Redirect("/profile/")),
        },
    ),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": public(
        "/accounts/confirm-email/not-a-real-key/"
    ),
    "accounts/password/reset/key/done/": public("/accounts/password/reset/key/done/"),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": public(
        "/accounts/password/reset/key/1-not-a-real-token/"
    ),
    "accounts/password/reset/done/": public("/accounts/password/reset/done/"),
    # --- My Profile: its four tabs, each a developer's own (staff see theirs) -------------
    "profile/": signed_in("/profile/"),
    "profile/account/": signed_in("/profile/account/"),
    "profile/security/": signed_in("/profile/security/"),
    "profile/integration/": signed_in("/profile/integration/"),
    "profile/details/": signed_in("/profile/details/", 302, "post"),
    "profile/username/": signed_in("/profile/username/", method="post"),
    # An empty form: My Profile again with the error (200); a zone: a redirect.
    "profile/time-zone/": signed_in("/profile/time-zone/", method="post"),
    # The browser's zone (static/js/timezone-default.js): JSON, 400 without a zone.
    "profile/time-zone/browser/": signed_in("/profile/time-zone/browser/", 400, "post"),
    # An empty form: the Account tab again with the error (200); a language: a redirect.
    "profile/language/": signed_in("/profile/language/", method="post"),
    "profile/async-response-url/": signed_in("/profile/async-response-url/", 302, "post"),
    "profile/api-key/reveal/": signed_in("/profile/api-key/reveal/", 302, "post"),
    # Staff get no API keys (issue 18, finding 12).
    "profile/api-key/renew/": signed_in("/profile/api-key/renew/", staff=403),
    "profile/public-key.pem": signed_in("/profile/public-key.pem"),
    "profile/phone/": signed_in("/profile/phone/"),
    "profile/phone/confirm/": signed_in("/profile/phone/confirm/", Redirect("/profile/phone/")),
    "profile/phone/resend/": signed_in("/profile/phone/resend/", 302, "post"),
    "profile/alerts/<uuid:public_id>/": owned(lambda w: f"/profile/alerts/{_app(w)}/", 302, "post"),
    # --- Applications ----------------------------------------------------------------------
    "applications/": signed_in("/applications/"),
    "applications/new/": signed_in("/applications/new/"),
    "applications/<uuid:public_id>/": owned(lambda w: f"/applications/{_app(w)}/"),
    "applications/<uuid:public_id>/key/reveal/": owned(
        lambda w: f"/applications/{_app(w)}/key/reveal/", 302, "post"
    ),
    "applications/<uuid:public_id>/key/renew/": owned(
        lambda w: f"/applications/{_app(w)}/key/renew/"
    ),
    # --- Request log ---------------------------------------------------------------------
    "requests/": signed_in("/requests/"),
    "requests/<uuid:public_id>/": owned(
        lambda w: f"/requests/{ApiCall.objects.filter(user=w.owner).first().public_id}/"
    ),
    # --- API documentation (public) -----------------------------------------------------
    "docs/": public("/docs/"),
    "docs/getting-started/<slug:topic>/": public("/docs/getting-started/keys/"),
    "docs/apis/<slug:slug>/": public("/docs/apis/c2bPayment/"),
    "docs/console/bearer/": Row(
        _p("/docs/console/bearer/"),
        {"anonymous": 403, "other": 200, "staff": 409, "owner": 200},
        "post",
    ),
    "docs/reference/": public("/docs/reference/"),
    "docs/reference/openapi.json": public("/docs/reference/openapi.json"),
    "docs/postman-collection.json": public("/docs/postman-collection.json"),
    "docs/search/": public("/docs/search/?q=input_Amount"),
    "docs/library/python/": public("/docs/library/python/", _library_status(library.python_wheel)),
    "docs/library/java/": public("/docs/library/java/", _library_status(library.java_jar)),
    # --- Sandbox gateway: bearer only, a session cookie is no credential ----------------
    "sandbox/openapi.json": public("/sandbox/openapi.json"),
    "sandbox/^ipg/v2/(?P<market>[^/]+)/(?P<operation>.*)$": gateway(
        "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/", NO_BEARER
    ),
    "sandbox/^ipg/": gateway("/sandbox/ipg/v1/nothing/", GATEWAY_NOT_FOUND),
    # --- Callbacks -----------------------------------------------------------------------
    "sandbox/callbacks/": signed_in("/sandbox/callbacks/"),
    "sandbox/callbacks/signing-secret/rotate/": signed_in(
        "/sandbox/callbacks/signing-secret/rotate/", 302, "post"
    ),
    "sandbox/callbacks/<uuid:public_id>/": owned(
        lambda w: f"/sandbox/callbacks/{w.delivery.public_id}/"
    ),
    "sandbox/callbacks/<uuid:public_id>/redeliver/": owned(
        lambda w: f"/sandbox/callbacks/{w.delivery.public_id}/redeliver/", 302, "post"
    ),
    # Send test callback: an empty form is refused (400) for every signed-in caller; the
    # application field only offers the caller's own (tests/callbacks/test_callback_tools).
    "sandbox/callbacks/test/": signed_in("/sandbox/callbacks/test/", 400, "post"),
    "sandbox/callbacks/faults/<int:application_pk>/": owned(
        lambda w: f"/sandbox/callbacks/faults/{default_application(w.owner).pk}/", 302, "post"
    ),
    # `mpesa_portal_sdk listen`: gateway bearer only, a signed-in session is not one.
    "sandbox/callbacks/listen/next": public("/sandbox/callbacks/listen/next?wait=0", 401),
    "sandbox/callbacks/listen/<uuid:public_id>/result": public(
        lambda w: f"/sandbox/callbacks/listen/{w.delivery.public_id}/result", 401, "post"
    ),
    "sandbox/callbacks/listen/disconnect": public(
        "/sandbox/callbacks/listen/disconnect", 401, "post"
    ),
    # --- Reports -------------------------------------------------------------------------
    "reports/": signed_in("/reports/"),
    # Generate (a POST: it saves a report) with the owner's key: the others' forms do not
    # offer it (400, no report); the owner lands on the new report's own page.
    "reports/generate/": Row(
        _p("/reports/generate/"),
        {"anonymous": SIGN_IN, "other": 400, "staff": 400, "owner": Redirect("/reports/")},
        method="post",
        data=lambda w: {"range": "7d", "key": str(w.owner.api_key.public_id)},
    ),
    "reports/<uuid:public_id>/": owned(lambda w: f"/reports/{w.report.public_id}/"),
    "reports/<uuid:public_id>/calls.csv": owned(
        lambda w: f"/reports/{w.report.public_id}/calls.csv"
    ),
    # The partner API authenticates by gateway bearer only: a signed-in session is not one.
    "reports/api/v1/keys/": public("/reports/api/v1/keys/", 401),
    "reports/api/v1/calls/": public("/reports/api/v1/calls/", 401),
    "reports/api/v1/summary/": public("/reports/api/v1/summary/", 401),
    "reports/api/schema/": public("/reports/api/schema/"),
    # --- Go Live -------------------------------------------------------------------------
    "golive/": signed_in("/golive/"),
    "golive/request/": signed_in("/golive/request/", Redirect("/golive/")),
    # A fresh report of one's own Default application, then its confirmation page (staff
    # have no key: back to the Go Live page with the reason).
    "golive/request/fresh-report/": signed_in(
        "/golive/request/fresh-report/",
        Redirect("/golive/request/?application="),
        "post",
        staff=Redirect("/golive/?application="),
    ),
    # The owner's Default application is synchronous: nothing to probe, back to Go Live.
    "golive/applications/<uuid:public_id>/receiver-check/": owned(
        lambda w: f"/golive/applications/{w.owner.api_key.application.public_id}/receiver-check/",
        302,
        "post",
    ),
    "golive/requests/<uuid:public_id>/": owned(
        lambda w: f"/golive/requests/{w.golive_request.public_id}/"
    ),
    # An empty message: refused with a message, back to the request.
    "golive/requests/<uuid:public_id>/comment/": owned(
        lambda w: f"/golive/requests/{w.golive_request.public_id}/comment/", 302, "post"
    ),
    # The world's request was sent without documents: 404 even for its owner (the
    # owner's and reviewers' downloads are in tests/golive/test_business_details.py).
    "golive/requests/<uuid:public_id>/documents/<slug:kind>/": owned(
        lambda w: f"/golive/requests/{w.golive_request.public_id}/documents/director-id/", 404
    ),
    "golive/requests/<uuid:public_id>/withdraw/": owned(
        lambda w: f"/golive/requests/{w.golive_request.public_id}/withdraw/", 302, "post"
    ),
    # Live credentials exist only for an approved application; the world's request is
    # still open, so even its owner gets a 404 (the approved owner's side is in
    # tests/golive/test_live_credentials.py).
    "golive/live/<uuid:public_id>/key/reveal/": owned(
        lambda w: f"/golive/live/{w.golive_request.application.public_id}/key/reveal/",
        404,
        "post",
    ),
    "golive/live/<uuid:public_id>/key/renew/": owned(
        lambda w: f"/golive/live/{w.golive_request.application.public_id}/key/renew/", 404
    ),
    "golive/live/public-key.pem": signed_in("/golive/live/public-key.pem", 404),
}


def _app(world: World) -> str:
    """The owner's Default application (its public_id)."""
    return str(world.owner.api_key.application.public_id)


def _staff_action_id() -> int:
    return record_staff_action(None, action="keypair_rotated", target="sandbox").pk


def _content_type_id(app_label: str, model: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get(app_label=app_label, model=model).pk


def test_every_route_is_in_the_table():
    routes = set(walk_patterns())

    assert routes - TABLE.keys() == set(), "routes without a row in the access matrix"
    assert TABLE.keys() - routes == set(), "rows for routes that no longer exist"


def check(response, expected, *, where: str) -> None:
    if callable(expected):
        expected = expected()
    if isinstance(expected, Redirect):
        assert response.status_code == 302, f"{where}: {response.status_code}, expected 302"
        assert response["Location"].startswith(expected.prefix), f"{where}: {response['Location']}"
    elif isinstance(expected, Envelope):
        assert response.status_code == expected.status, f"{where}: {response.status_code}"
        body = json.loads(response.content)
        assert body["output_ResponseCode"] == expected.code, f"{where}: {body}"
    else:
        assert response.status_code == expected, (
            f"{where}: {response.status_code}, expected {expected}"
        )


@pytest.fixture
def world(shared_world):
    """One world for the module's 750 tests (tests/security/conftest.py)."""
    return shared_world


@pytest.mark.parametrize("route", sorted(TABLE))
@pytest.mark.parametrize("role", ROLES)
def test_access(route, role, world):
    row = TABLE[route]
    path = row.path(world)
    response = getattr(client_for(role, world), row.method)(
        path, row.data(world) if row.data else {}
    )

    check(response, row.expect[role], where=f"{role} {row.method.upper()} {path}")


def test_another_developers_posts_change_nothing(world):
    client = client_for("other", world)

    withdraw = client.post(f"/golive/requests/{world.golive_request.public_id}/withdraw/")
    redeliver = client.post(f"/sandbox/callbacks/{world.delivery.public_id}/redeliver/")

    assert (withdraw.status_code, redeliver.status_code) == (404, 404)
    before = (world.golive_request.status, world.delivery.status, world.delivery.attempt_count)
    world.golive_request.refresh_from_db()
    world.delivery.refresh_from_db()
    after = (world.golive_request.status, world.delivery.status, world.delivery.attempt_count)
    assert after == before


def test_an_unknown_public_id_is_404_like_anothers(world):
    client = client_for("owner", world)
    unknown = "00000000-0000-4000-8000-000000000000"
    for path in (
        f"/reports/{unknown}/",
        f"/reports/{unknown}/calls.csv",
        f"/golive/requests/{unknown}/",
        f"/sandbox/callbacks/{unknown}/",
    ):
        assert client.get(path).status_code == 404, path


def test_partner_api_answers_404_for_another_developers_key(world):
    from tests.sandbox.helpers import auth_header

    key = str(world.owner.api_key.public_id)
    other = Client(HTTP_AUTHORIZATION=auth_header(world.other.api_key_plaintext)["Authorization"])
    owner = Client(HTTP_AUTHORIZATION=auth_header(world.owner.api_key_plaintext)["Authorization"])

    for endpoint in ("calls", "summary"):
        assert owner.get(f"/reports/api/v1/{endpoint}/", {"key": key}).status_code == 200
        refused = other.get(f"/reports/api/v1/{endpoint}/", {"key": key})
        assert refused.status_code == 404, endpoint
        assert world.owner.username not in refused.content.decode()
    listed = other.get("/reports/api/v1/keys/").content.decode()
    assert key not in listed
