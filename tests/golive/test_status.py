"""The Go Live status page and the My Profile panel: readiness, tracker, live key."""

from django.urls import reverse

from golive import services
from golive.models import GoLiveRequest
from golive.views import profile_panel
from tests.golive.helpers import log_calls, log_conformance_calls, make_report

URL = reverse("golive:status")


def _submit(user):
    return services.submit_request(user, report_public_id=str(user.report.public_id))


def test_not_ready_lists_what_is_missing(client, developer):
    log_calls(developer, successes=("c2bPayment", "reversal"), failures=())
    make_report(developer)
    client.force_login(developer)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "no successful Query Transaction Status call (queryTransactionStatus)" in body
    assert "no successful C2B" not in body
    assert reverse("golive:request-create") not in body  # no Go Live! link, only disabled


def test_ready_offers_go_live(client, ready_developer):
    client.force_login(ready_developer)

    body = client.get(URL).content.decode()

    assert f'href="{reverse("golive:request-create")}?application=' in body
    assert ">Go Live!</a>" in body


def test_waiting_request_shows_tracker_and_withdraw(client, ready_developer):
    request = _submit(ready_developer)
    client.force_login(ready_developer)

    body = client.get(URL).content.decode()

    assert 'aria-current="step"' in body
    assert "Submitted" in body and "In review" in body
    assert reverse("golive:request-withdraw", args=[request.public_id]) in body
    assert "Withdraw my Go Live request" in body


def test_rejected_shows_reason_and_go_live_again(client, ready_developer, reviewer):
    request = _submit(ready_developer)
    services.reject_request(request, by=reviewer, reason="Reversal amounts look wrong.")
    client.force_login(ready_developer)

    body = client.get(URL).content.decode()

    assert "Rejected" in body
    assert "Reversal amounts look wrong." in body
    assert f'href="{reverse("golive:request-create")}?application=' in body
    assert ">Go Live!</a>" in body


def test_approved_shows_masked_live_key_and_base_url(client, ready_developer, reviewer, settings):
    settings.LIVE_BASE_URL = "https://live.example/openapi/ipg/v2"
    request = services.approve_request(_submit(ready_developer), by=reviewer)
    client.force_login(ready_developer)

    body = client.get(URL).content.decode()

    assert "Approved" in body
    # Masked on a GET: the plaintext is only in the answer to the reveal POST.
    assert request.live_api_key.plaintext not in body
    assert request.live_api_key.last4 in body
    assert "Show live API key" in body
    assert "https://live.example/openapi/ipg/v2" in body
    assert reverse("golive:request-create") not in body


def test_history_lists_only_own_requests(client, ready_developer, other_developer):
    log_calls(other_developer)
    log_conformance_calls(other_developer)
    other_developer.report = make_report(other_developer)
    theirs = _submit(other_developer)
    mine = _submit(ready_developer)
    client.force_login(ready_developer)

    body = client.get(URL).content.decode()

    assert str(mine.public_id) in body
    assert str(theirs.public_id) not in body


def test_profile_page_shows_the_panel(client, ready_developer):
    client.force_login(ready_developer)

    body = client.get(reverse("dashboard:profile-integration")).content.decode()

    assert 'id="golive-heading"' in body
    assert "Go Live!" in body


def test_panel_is_empty_for_anonymous(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/profile/")
    request.user = AnonymousUser()

    assert profile_panel(request) == ""


def test_anonymous_is_sent_to_sign_in(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_wrong_method(client, developer):
    client.force_login(developer)

    assert client.post(URL).status_code == 405
    assert not GoLiveRequest.objects.exists()
