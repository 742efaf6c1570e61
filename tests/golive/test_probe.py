"""The receiver conformance probe (golive.probe) against two real local receivers."""

import pytest
from django.urls import reverse

from callbacks.signing import get_signing_secret
from golive import probe, services
from golive.models import ConformanceRequirement, GoLiveRequest, ReceiverCheck
from tests.golive.receivers import NaiveReceiver, VerifyingReceiver

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(autouse=True)
def _private_networks(settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_TIMEOUT_SECONDS = 5


def _app(user, url):
    application = user.api_key.application
    application.async_response_url = url
    application.save(update_fields=["async_response_url"])
    return application


def _items(check):
    return {i["key"]: i for i in check.evidence["items"]}


def test_a_verifying_receiver_passes(developer):
    secret = get_signing_secret(developer).secret
    with VerifyingReceiver(secret) as receiver:
        check = probe.run_probe(_app(developer, receiver.url))
    assert check.passed, check.evidence["items"]
    assert all(i["ok"] for i in check.evidence["items"])
    first, again, wrong = check.evidence["exchanges"]
    # The same delivery twice, then another one.
    assert first["delivery_id"] == again["delivery_id"] != wrong["delivery_id"]
    assert receiver.seen_ids == [first["delivery_id"]]
    assert [x["response"]["status"] for x in (first, again, wrong)] == [200, 200, 401]
    assert first["request"]["headers"]["X-Mpesa-Signature"].startswith("sha256=")
    assert first["request"]["headers"]["X-Mpesa-Attempt"] == "1"
    assert again["request"]["headers"]["X-Mpesa-Attempt"] == "2"
    assert "Content-Type" in first["response"]["headers"]
    assert first["duration_ms"] < 5000


def test_a_naive_receiver_fails_item_3_with_the_reason(developer):
    with NaiveReceiver() as receiver:
        check = probe.run_probe(_app(developer, receiver.url))
    items = _items(check)
    assert not check.passed
    assert items[probe.ITEM_SIGNED]["ok"] and items[probe.ITEM_REDELIVERY]["ok"]
    assert not items[probe.ITEM_WRONG_SIGNATURE]["ok"]
    assert items[probe.ITEM_WRONG_SIGNATURE]["reason"] == (
        "accepted a callback with a wrong signature (HTTP 200)"
    )


def test_the_ssrf_guard_refuses_a_private_address(developer, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    with VerifyingReceiver(get_signing_secret(developer).secret) as receiver:
        check = probe.run_probe(_app(developer, receiver.url))
    assert not check.passed
    assert receiver.received == []
    assert check.evidence["exchanges"][0]["error"].startswith("Refused")


def test_an_unreachable_receiver_fails_every_item(developer):
    with NaiveReceiver() as receiver:
        url = receiver.url
    check = probe.run_probe(_app(developer, url))
    assert not any(i["ok"] for i in check.evidence["items"])


def test_run_the_receiver_check_view(client, developer):
    client.force_login(developer)
    with NaiveReceiver() as receiver:
        application = _app(developer, receiver.url)
        response = client.post(
            reverse("golive:receiver-check", args=[application.public_id]), follow=True
        )
    body = response.content.decode()
    assert "accepted a callback with a wrong signature" in body
    assert ReceiverCheck.objects.filter(application=application, passed=False).exists()


def test_submission_runs_the_probe_and_keeps_its_evidence(ready_developer):
    secret = get_signing_secret(ready_developer).secret
    # An asynchronous application also needs an acknowledged callback of a call: staff
    # made that item optional for this market, so the probe decides here.
    ConformanceRequirement.objects.create(
        market="vodafoneGHA", item="callbacks_acknowledged", required=False
    )
    with NaiveReceiver() as naive:
        _app(ready_developer, naive.url)
        with pytest.raises(services.GoLiveError, match="wrong signature"):
            services.submit_request(
                ready_developer, report_public_id=str(ready_developer.report.public_id)
            )
    assert not GoLiveRequest.objects.exists()
    with VerifyingReceiver(secret) as receiver:
        _app(ready_developer, receiver.url)
        request = services.submit_request(
            ready_developer, report_public_id=str(ready_developer.report.public_id)
        )
    snapshot = request.snapshot
    assert snapshot["receiver_check"]["passed"] is True
    assert len(snapshot["receiver_check"]["exchanges"]) == 3
    assert {i["key"] for i in snapshot["checklist"]} >= {"c2b", "failure_handled"}


def test_request_page_shows_the_submitted_checklist_and_probe(client, ready_developer):
    ConformanceRequirement.objects.create(
        market="vodafoneGHA", item="callbacks_acknowledged", required=False
    )
    with VerifyingReceiver(get_signing_secret(ready_developer).secret) as receiver:
        _app(ready_developer, receiver.url)
        request = services.submit_request(
            ready_developer, report_public_id=str(ready_developer.report.public_id)
        )
    client.force_login(ready_developer)
    body = client.get(reverse("golive:request-detail", args=[request.public_id])).content.decode()
    assert "Conformance checklist" in body and "Receiver check" in body
    proof = request.snapshot["checklist"][0]["call_public_id"]
    assert f"/requests/{proof}/" in body
