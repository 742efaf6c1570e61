"""Go Live in a real browser: a developer sends the request, a reviewer approves it in the
admin, the developer sees "Approved", the live public key, and reveals the live key with
a button (a POST: the key is never in a page's GET HTML)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.keys import current_keypair
from accounts.models import ApiKey, Environment
from golive import services
from golive.models import GoLiveRequest
from tests import factories
from tests.golive.helpers import PDF_BYTES, PNG_BYTES, grant_review_permission, ready_report

pytestmark = pytest.mark.browser


def fill_business_details(page, *, certificate=None):
    """The business details of the confirmation step, with a PDF and a PNG."""
    page.get_by_label("Legal name").fill("Acme Payments Ltd")
    page.get_by_label("Registration number").fill("CS/2019/1234")
    page.get_by_label("Vodafone Ghana").check()
    page.get_by_label("Shortcode", exact=True).fill("171717")
    page.get_by_label("Contact person").fill("Ama Mensah")
    page.get_by_label("Website").fill("https://acme.example")
    page.get_by_label("Expected monthly volume").fill("250000")
    page.get_by_label("Certificate of incorporation").set_input_files(
        certificate
        or {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label("Director's ID").set_input_files(
        {"name": "id.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )


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
    page.goto("/profile/integration/")
    panel = page.get_by_role("region", name="Go Live")
    screenshot(page, "1-profile-ready")
    panel.get_by_role("link", name="Go Live!").click()
    expect(page.get_by_role("heading", name="Confirm your Go Live request")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Calls per API"))).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("queryTransactionStatus"))).to_be_visible()
    screenshot(page, "2-confirm")
    fill_business_details(page)
    page.get_by_role("button", name="Send my Go Live request").click()
    expect(
        page.get_by_text("Your application Default was sent to M-Pesa for review.")
    ).to_be_visible()
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
    page.get_by_role("link", name="Approve and issue a live key…").click()
    page.get_by_role("button", name="Confirm: approve and issue a live key").click()
    expect(page.get_by_text("Approved: dev is live")).to_be_visible()
    screenshot(page, "6-admin-approved")
    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.APPROVED
    assert request.decided_by == reviewer

    # The developer sees "Approved", the live public key and the live base URL; the live
    # key is masked until "Show live API key" (a POST) reveals it.
    _sign_in_as(page, live_server, developer)
    page.goto("/profile/integration/")
    panel = page.get_by_role("region", name="Go Live")
    expect(panel.locator(".badge").get_by_text("Approved", exact=True)).to_be_visible()
    expect(panel.get_by_role("list", name="Go Live request status")).to_contain_text("Approved")
    live_key = ApiKey.objects.get(user=developer, environment=Environment.LIVE)
    live_public_key = current_keypair(Environment.LIVE).public_key_b64
    expect(panel.get_by_label("Live public key")).to_have_value(live_public_key)
    expect(panel).to_contain_text(settings.LIVE_BASE_URL)
    assert live_key.plaintext not in page.content()
    screenshot(page, "7-profile-live")
    panel.get_by_role("button", name="Show live API key").click()
    expect(page.get_by_test_id("live-api-key")).to_have_text(live_key.plaintext)
    screenshot(page, "8-live-key-revealed")


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
    page.goto("/profile/integration/")
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


@pytest.mark.parametrize("width", [1280, 390])
def test_live_credentials_after_approval(page, live_server, screenshot, width):
    developer = factories.DeveloperFactory(username="dev")
    developer.report = ready_report(developer)
    reviewer = grant_review_permission(factories.UserFactory(username="reviewer", is_staff=True))
    request = services.submit_request(developer, report_public_id=str(developer.report.public_id))
    request = services.approve_request(request, by=reviewer)
    _sign_in_as(page, live_server, developer)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto("/golive/")
    credentials = page.get_by_role("region", name="Go Live of Default")
    expect(credentials.get_by_label("Live public key")).to_have_value(
        current_keypair(Environment.LIVE).public_key_b64
    )
    expect(credentials.get_by_role("link", name=re.compile("as PEM"))).to_be_visible()
    expect(credentials.get_by_text("Live application settings")).to_be_visible()
    assert request.live_api_key.plaintext not in page.content()
    screenshot(page, f"{width}-1-golive")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0

    credentials.get_by_role("button", name="Show live API key").click()
    expect(page.get_by_role("heading", name="Live API key of Default")).to_be_visible()
    expect(page.get_by_test_id("live-api-key")).to_have_text(request.live_api_key.plaintext)
    screenshot(page, f"{width}-2-revealed")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0

    # Renew with a 24-hour overlap: both keys are listed, the old one with its end.
    page.get_by_role("link", name=re.compile("hide the key")).click()
    page.get_by_role("link", name="Renew live API key").click()
    page.get_by_label("After 24 hours").check()
    screenshot(page, f"{width}-3-renew")
    page.get_by_role("button", name="Yes, renew the live API key").click()
    expect(page.get_by_text("Your live API key was renewed")).to_be_visible()
    expect(page.get_by_text(re.compile("previous key, works until"))).to_be_visible()
    screenshot(page, f"{width}-4-renewed")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
