"""The whole Go Live flow of issue 19 in a real browser: the conformance checklist blocks
submission until it holds, the receiver probe against a naive and a verifying receiver,
a document of the wrong type refused, then staff comment, request changes, the developer
resubmits with a newer report, staff approve through the confirmation step and later
revoke; the developer sees each state. Screenshots at 1280 and 390 px."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from callbacks.models import CallbackDelivery
from callbacks.signing import get_signing_secret
from golive.models import GoLiveRequest
from tests import factories
from tests.e2e.test_golive import fill_business_details
from tests.golive.helpers import (
    grant_review_permission,
    log_calls,
    log_conformance_calls,
    make_report,
)
from tests.golive.receivers import NaiveReceiver, VerifyingReceiver

pytestmark = pytest.mark.browser


def _sign_in_as(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _both(page, screenshot, name):
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_golive_flow(page, live_server, screenshot, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_TIMEOUT_SECONDS = 5
    developer = factories.DeveloperFactory(username="dev", company="Acme Payments")
    application = developer.api_key.application
    reviewer = grant_review_permission(factories.UserFactory(username="reviewer", is_staff=True))
    log_calls(developer)
    log_conformance_calls(developer, skip=("duplicate_handled",))
    make_report(developer)
    status_url = f"/golive/?application={application.public_id}"

    # 1. A missing checklist item blocks submission, and is named.
    _sign_in_as(page, live_server, developer)
    page.goto(status_url)
    checklist = page.get_by_test_id("golive-checklist")
    expect(checklist.locator("[data-item=duplicate_handled]")).to_contain_text("Missing:")
    expect(checklist.locator("[data-item=c2b]")).to_contain_text("proved by")
    expect(page.get_by_role("button", name="Go Live!")).to_be_disabled()
    _both(page, screenshot, "1-checklist-missing")
    page.goto(f"/golive/request/?application={application.public_id}")
    expect(page.get_by_text("A duplicate (INS-10) seen and not retried blindly.")).to_be_visible()
    assert page.url.endswith(status_url)

    # The duplicate is handled in the sandbox: every item holds.
    log_conformance_calls(developer, skip=("failure_handled", "unknown_resolved"))

    with NaiveReceiver() as naive, VerifyingReceiver(get_signing_secret(developer).secret) as good:
        # 2. Asynchronous: the receiver check against a naive receiver fails item 3.
        application.async_response_url = naive.url
        application.save(update_fields=["async_response_url"])
        call = factories.ApiCallFactory(
            api_key=developer.api_key,
            created_at=timezone.now(),
            request_body={
                "input_TransactionReference": "RCB",
                "input_ThirdPartyConversationID": "cb",
            },
        )
        CallbackDelivery.objects.create(
            user=developer,
            application=application,
            api_call=call,
            operation="c2bPayment",
            url=naive.url,
            status=CallbackDelivery.Status.DELIVERED,
            max_attempts=8,
            next_attempt_at=timezone.now(),
            delivered_at=timezone.now(),
        )
        page.goto(status_url)
        page.get_by_role("button", name="Run the receiver check").click()
        check = page.get_by_test_id("receiver-check")
        expect(check).to_contain_text("Failed")
        expect(check).to_contain_text("accepted a callback with a wrong signature (HTTP 200)")
        _both(page, screenshot, "2-probe-naive")

        # The verifying receiver passes.
        application.async_response_url = good.url
        application.save(update_fields=["async_response_url"])
        page.get_by_role("button", name="Run the receiver check").click()
        expect(page.get_by_text("Your receiver passed the check.")).to_be_visible()
        expect(page.get_by_test_id("receiver-check")).to_contain_text("Passed")
        _both(page, screenshot, "3-probe-verifying")

        # 3. A document of the wrong type is refused next to its field; nothing is sent.
        page.get_by_role("link", name="Go Live!").click()
        fill_business_details(
            page,
            certificate={
                "name": "certificate.pdf",
                "mimeType": "application/pdf",
                "buffer": b"<html><body>not a pdf</body></html>",
            },
        )
        page.get_by_role("button", name="Send my Go Live request").click()
        expect(page.locator("#id_incorporation_certificate-error")).to_contain_text(
            "not a PDF, PNG or JPEG"
        )
        _both(page, screenshot, "4-wrong-type")
        assert not GoLiveRequest.objects.exists()
        fill_business_details(page)
        page.get_by_role("button", name="Send my Go Live request").click()
        expect(page.get_by_text("was sent to M-Pesa for review")).to_be_visible()
        request = GoLiveRequest.objects.get()
        assert request.snapshot["receiver_check"]["passed"] is True

        # 4. Staff comment and request changes.
        _sign_in_as(page, live_server, reviewer)
        page.goto("/admin/golive/goliverequest/")
        expect(page.get_by_text("Time in review")).to_be_visible()
        page.get_by_role("link", name="dev").click()
        expect(page.get_by_role("heading", name="Receiver check")).to_be_visible()
        page.get_by_role("textbox", name="Message").fill("Which shortcode do you hold today?")
        page.get_by_role("button", name="Send to the developer").click()
        expect(page.get_by_text("Your message was sent to the developer.")).to_be_visible()
        page.get_by_role("link", name="Request changes").click()
        page.get_by_label("What to fix").fill("Query the status after every INS-9.")
        page.get_by_role("button", name="Send back for changes").click()
        expect(page.get_by_text("Changes requested: dev was told what to fix.")).to_be_visible()
        screenshot(page, "5-admin-changes-requested")

        # 5. The developer sees the changes and the message, answers, and resubmits.
        _sign_in_as(page, live_server, developer)
        page.goto(status_url)
        expect(page.get_by_test_id("golive-changes")).to_contain_text(
            "Query the status after every INS-9."
        )
        _both(page, screenshot, "6-developer-changes-requested")
        page.goto(f"/golive/requests/{request.public_id}/")
        expect(page.get_by_test_id("golive-comments")).to_contain_text("Which shortcode")
        page.get_by_role("textbox", name="Message").fill("We hold 171717.")
        page.get_by_role("button", name="Send to the reviewer").click()
        expect(page.get_by_test_id("golive-comments")).to_contain_text("We hold 171717.")
        _both(page, screenshot, "7-developer-thread")
        # The same report cannot be sent again; a newer one can.
        page.goto(status_url)
        page.get_by_role("link", name="Go Live!").click()
        fill_business_details(page)
        page.get_by_role("button", name="Send my Go Live request").click()
        expect(page.get_by_text("older than the reviewer's decision")).to_be_visible()
        make_report(developer, date_to=timezone.now().date() + timedelta(days=0))
        page.goto(status_url)
        page.get_by_role("link", name="Go Live!").click()
        fill_business_details(page)
        page.get_by_role("button", name="Send my Go Live request").click()
        expect(page.get_by_text("was sent to M-Pesa for review")).to_be_visible()
        second = GoLiveRequest.objects.exclude(pk=request.pk).get()

    # 6. Staff approve through the confirmation step; the developer sees it.
    _sign_in_as(page, live_server, reviewer)
    page.goto(f"/admin/golive/goliverequest/{second.pk}/change/")
    page.get_by_role("link", name="Approve and issue a live key…").click()
    expect(page.get_by_text("This issues a live key and locks the application.")).to_be_visible()
    screenshot(page, "8-admin-approve-confirm")
    page.get_by_role("button", name="Confirm: approve and issue a live key").click()
    expect(page.get_by_text("Approved: dev is live")).to_be_visible()
    _sign_in_as(page, live_server, developer)
    page.goto(status_url)
    expect(page.locator(".badge").get_by_text("Approved", exact=True)).to_be_visible()
    _both(page, screenshot, "9-developer-approved")

    # 7. Staff revoke live access with a reason; the developer sees it.
    _sign_in_as(page, live_server, reviewer)
    page.goto(f"/admin/golive/goliverequest/{second.pk}/change/")
    page.get_by_role("link", name="Revoke live access…").click()
    page.get_by_label("Reason for revoking").fill("Chargebacks above the agreed rate.")
    page.get_by_role("button", name="Revoke live access").click()
    expect(page.get_by_text("Revoked: the live key")).to_be_visible()
    _sign_in_as(page, live_server, developer)
    page.goto(status_url)
    revoked = page.get_by_test_id("golive-revoked")
    expect(revoked).to_contain_text("Chargebacks above the agreed rate.")
    _both(page, screenshot, "10-developer-revoked")
    second.refresh_from_db()
    assert second.status == GoLiveRequest.Status.REVOKED
