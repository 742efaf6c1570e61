"""Live credentials after approval: the live public key (its own keypair) with a PEM
download, the live key masked on every GET and revealed by a POST only, and its renewal
with an overlap, by the developer (with a confirmation step) or by staff (admin action)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.keys import active_api_key, current_keypair
from accounts.models import ApiKey, Environment, SecurityEvent, StaffAction
from golive import services
from sandbox import auth
from tests import factories
from tests.sandbox.helpers import bearer_for

STATUS = reverse("golive:status")
PROFILE = reverse("dashboard:profile-integration")  # the Go Live section
PEM = reverse("golive:live-public-key-pem")


@pytest.fixture
def approved(ready_developer, reviewer):
    request = services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    )
    return services.approve_request(request, by=reviewer)


@pytest.fixture
def live_client(client, approved):
    client.force_login(approved.user)
    return client


def _reveal_url(request) -> str:
    return reverse("golive:live-key-reveal", args=[request.application.public_id])


def _renew_url(request) -> str:
    return reverse("golive:live-key-renew", args=[request.application.public_id])


def _live_keys(request):
    return ApiKey.objects.filter(
        application=request.application, environment=Environment.LIVE
    ).usable()


# --- The live public key -------------------------------------------------------------


def test_approval_shows_the_live_public_key_of_its_own_keypair(live_client):
    live = current_keypair(Environment.LIVE)
    sandbox = current_keypair(Environment.SANDBOX)

    for page in (STATUS, PROFILE):
        body = live_client.get(page).content.decode()
        assert live.public_key_b64 in body, page
        assert PEM in body, page

    # Its own row (the suite reuses one RSA key for speed, so only the rows differ here).
    assert live.pk != sandbox.pk and live.environment == Environment.LIVE
    assert live.public_key_b64.startswith("MIICIjANBgkqh")  # Base64 DER, 4096-bit


def test_the_live_pem_download_holds_the_live_public_key(live_client):
    response = live_client.get(PEM)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert "mpesa-live-public-key.pem" in response["Content-Disposition"]
    pem = response.content.decode()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    body = "".join(pem.strip().splitlines()[1:-1])
    assert body == current_keypair(Environment.LIVE).public_key_b64


def test_no_live_pem_before_approval(client, ready_developer):
    client.force_login(ready_developer)

    assert client.get(PEM).status_code == 404


def test_the_live_pem_needs_sign_in(client):
    response = client.get(PEM)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_live_pem_refuses_post(live_client):
    assert live_client.post(PEM).status_code == 405


# --- The live key: masked on GET, revealed by POST -------------------------------------


def test_the_live_key_is_never_in_the_html_of_a_get(live_client, approved):
    plaintext = approved.live_api_key.plaintext

    for page in (STATUS, PROFILE, _renew_url(approved)):
        response = live_client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert plaintext not in body, page
    status_page = live_client.get(STATUS).content.decode()
    assert approved.live_api_key.last4 in status_page
    assert "Show live API key" in status_page


def test_reveal_by_post_shows_the_live_key_uncached(live_client, approved, settings):
    response = live_client.post(_reveal_url(approved))

    assert response.status_code == 200
    body = response.content.decode()
    assert approved.live_api_key.plaintext in body
    assert settings.LIVE_BASE_URL in body
    assert "no-store" in response["Cache-Control"]


def test_reveal_refuses_get(live_client, approved):
    assert live_client.get(_reveal_url(approved)).status_code == 405


def test_reveal_of_another_developers_application_is_404(client, approved, other_developer):
    client.force_login(other_developer)

    response = client.post(_reveal_url(approved))

    assert response.status_code == 404
    assert approved.live_api_key.plaintext not in response.content.decode()


def test_reveal_before_approval_is_404(client, ready_developer):
    request = services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    )
    client.force_login(ready_developer)

    assert client.post(_reveal_url(request)).status_code == 404


def test_reveal_needs_sign_in(client, approved):
    response = client.post(_reveal_url(approved))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Renewal by the developer ---------------------------------------------------------


def test_renewal_asks_for_confirmation_with_the_overlap_choices(live_client, approved):
    body = live_client.get(_renew_url(approved)).content.decode()

    for choice in ("Immediately", "1 hour", "24 hours", "3 days", "7 days"):
        assert choice in body
    assert _live_keys(approved).count() == 1  # the GET changed nothing


def test_renew_with_overlap_keeps_both_keys_working(live_client, approved):
    old = approved.live_api_key

    response = live_client.post(_renew_url(approved), {"overlap": "24h"})

    assert response.status_code == 302
    assert response["Location"].startswith(STATUS)
    usable = list(_live_keys(approved))
    assert len(usable) == 2
    old.refresh_from_db()
    assert old.retired_at is not None and old in usable
    new = active_api_key(approved.user, environment=Environment.LIVE, application=old.application)
    assert new is not None and new != old
    page = live_client.get(response["Location"]).content.decode()
    assert old.last4 in page and new.last4 in page
    assert "works until" in page
    revealed = live_client.post(_reveal_url(approved)).content.decode()
    assert old.plaintext in revealed and new.plaintext in revealed
    event = SecurityEvent.objects.filter(
        user=approved.user, kind=SecurityEvent.Kind.API_KEY_RENEWED
    ).latest("pk")
    assert "live" in event.detail and old.last4 in event.detail


def test_renew_immediately_retires_the_old_key_at_once(live_client, approved):
    old = approved.live_api_key

    live_client.post(_renew_url(approved), {"overlap": "0"})

    usable = list(_live_keys(approved))
    assert len(usable) == 1 and usable[0] != old


def test_renew_with_an_unknown_overlap_changes_nothing(live_client, approved):
    response = live_client.post(_renew_url(approved), {"overlap": "30d"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert list(_live_keys(approved)) == [approved.live_api_key]


def test_renew_of_another_developers_application_is_404(client, approved, other_developer):
    client.force_login(other_developer)

    response = client.post(_renew_url(approved), {"overlap": "0"})

    assert response.status_code == 404
    assert list(_live_keys(approved)) == [approved.live_api_key]


def test_renew_refuses_put(live_client, approved):
    assert live_client.put(_renew_url(approved)).status_code == 405


def test_the_sandbox_still_refuses_a_renewed_live_key(live_client, approved):
    live_client.post(_renew_url(approved), {"overlap": "0"})
    new = active_api_key(
        approved.user, environment=Environment.LIVE, application=approved.application
    )

    with pytest.raises(auth.BearerError):
        auth.authenticate(f"Bearer {bearer_for(new.plaintext)}")


# --- Renewal by staff -------------------------------------------------------------------


CHANGELIST = reverse("admin:golive_goliverequest_changelist")


def test_staff_renew_the_live_key_from_the_admin(client, approved, reviewer):
    client.force_login(reviewer)
    old = approved.live_api_key

    response = client.post(
        CHANGELIST,
        {"action": "renew_live_key_with_overlap", "_selected_action": [approved.pk]},
    )

    assert response.status_code == 302
    usable = list(_live_keys(approved))
    assert len(usable) == 2 and old in usable
    details = list(
        SecurityEvent.objects.filter(
            user=approved.user, kind=SecurityEvent.Kind.API_KEY_RENEWED
        ).values_list("detail", flat=True)
    )
    assert any(f"by staff {reviewer.username}" in d for d in details)
    # ...and in the immutable staff audit trail.
    action = StaffAction.objects.get(action=StaffAction.Action.LIVE_KEY_RENEWED)
    assert action.actor_username == reviewer.username


def test_staff_without_the_review_permission_cannot_renew(client, approved):
    staff = factories.UserFactory(username="helpdesk", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_goliverequest"))
    client.force_login(staff)

    client.post(CHANGELIST, {"action": "renew_live_key_now", "_selected_action": [approved.pk]})

    assert list(_live_keys(approved)) == [approved.live_api_key]


def test_renewing_a_request_not_approved_is_refused(ready_developer, reviewer):
    request = services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    )

    with pytest.raises(services.GoLiveError, match="not live"):
        services.renew_live_key(request.application, by=reviewer)
