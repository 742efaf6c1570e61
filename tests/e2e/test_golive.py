"""Go Live in a real browser: a developer sends the request, a reviewer approves it in the
admin, the developer sees "Approved" and the live key on My Profile."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import ApiKey, Environment
from golive import services
from golive.models import GoLiveRequest
from tests import factories
from tests.golive.helpers import grant_review_permission, ready_report

pytestmark = pytest.mark.browser


def _sign_in_as(page, live_server, user):
    """Reuse a server-side session: the sign-in form belongs to the accounts tests."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_developer_goes_live_after_reviewer_approves(page, live_server, screenshot):
    developer = factories.DeveloperFactory(username="dev", company="Acme Payments")
    ready_report(developer)
    reviewer = grant_review_permission(factories.UserFactory(username="reviewer", is_staff=True))

    # The developer presses Go Live!, checks what will be sent, and sends it.
    _sign_in_as(page, live_server, developer)
    page.goto("/profile/")
    panel = page.get_by_role("region", name="Go Live")
    screenshot(page, "1-profile-ready")
    panel.get_by_role("link", name="Go Live!").click()
    expect(page.get_by_role("heading", name="Confirm your Go Live request")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Calls per API"))).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("queryTransactionStatus"))).to_be_visible()
    screenshot(page, "2-confirm")
    page.get_by_role("button", name="Send my Go Live request").click()
    expect(page.get_by_text("Your Go Live request was sent to M-Pesa for review.")).to_be_visible()
    expect(page.locator("[aria-current=step]")).to_contain_text("Submitted")
    screenshot(page, "3-submitted")
    request = GoLiveRequest.objects.get(user=developer)

    # The reviewer signs in to the admin (through allauth, with the authenticator app),
    # opens the request and approves it.
    factories.verify_email(reviewer)
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.get_by_label("Username or email").fill("reviewer")
    page.get_by_label("Password").fill(factories.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(factories.totp_code())
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Go Live requests").first.click()
    expect(page.get_by_role("link", name="dev")).to_be_visible()
    screenshot(page, "4-admin-list")
    page.get_by_role("link", name="dev").click()
    expect(page.get_by_role("heading", name="Snapshot sent by the developer")).to_be_visible()
    screenshot(page, "5-admin-review")
    page.get_by_role("button", name="Approve and issue a live key").click()
    expect(page.get_by_text("Approved: dev is live")).to_be_visible()
    screenshot(page, "6-admin-approved")
    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.APPROVED
    assert request.decided_by == reviewer

    # The developer sees "Approved" and the live key with the live base URL.
    _sign_in_as(page, live_server, developer)
    page.goto("/profile/")
    panel = page.get_by_role("region", name="Go Live")
    expect(panel.locator(".badge").get_by_text("Approved", exact=True)).to_be_visible()
    expect(panel.get_by_role("list", name="Go Live request status")).to_contain_text("Approved")
    live_key = ApiKey.objects.get(user=developer, environment=Environment.LIVE)
    panel.get_by_text("Show live API key").click()
    expect(panel.get_by_test_id("live-api-key")).to_be_visible()
    expect(panel.get_by_test_id("live-api-key")).to_have_text(live_key.plaintext)
    expect(panel).to_contain_text(settings.LIVE_BASE_URL)
    screenshot(page, "7-profile-live")


def test_reviewer_must_give_a_reason_to_reject(page, live_server, screenshot):
    developer = factories.DeveloperFactory(username="dev")
    developer.report = ready_report(developer)
    request = services.submit_request(developer, report_public_id=str(developer.report.public_id))
    grant_review_permission(factories.UserFactory(username="reviewer", is_staff=True))

    _sign_in_as(page, live_server, factories.UserFactory(username="reviewer"))
    page.goto(f"/admin/golive/goliverequest/{request.pk}/change/")
    page.get_by_role("link", name="Reject with a reason").click()
    page.get_by_role("button", name="Reject this request").click()
    expect(page.get_by_text("The request was not rejected: give a reason.")).to_be_visible()
    expect(page.get_by_text("Give a reason: the developer needs it")).to_be_visible()
    screenshot(page, "1-reason-missing")
    page.get_by_label("Reason for rejection").fill("Please test a partial reversal too.")
    page.get_by_role("button", name="Reject this request").click()
    expect(page.get_by_text("Rejected: dev was told why.")).to_be_visible()

    # The developer reads the reason on My Profile and may send a new request.
    _sign_in_as(page, live_server, developer)
    page.goto("/profile/")
    panel = page.get_by_role("region", name="Go Live")
    expect(panel).to_contain_text("Please test a partial reversal too.")
    expect(panel.get_by_role("link", name="Go Live!")).to_be_visible()
    screenshot(page, "2-profile-rejected")
    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.REJECTED


def test_confirmation_page_fits_a_phone_screen(page, live_server, screenshot):
    developer = factories.DeveloperFactory(username="dev")
    ready_report(developer)
    _sign_in_as(page, live_server, developer)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/golive/request/")

    expect(page.get_by_role("button", name="Send my Go Live request")).to_be_visible()
    screenshot(page, "confirm-mobile")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
