"""Go Live per application: the real platform "sends the application for review"
(reference §1). One open request per application; approval locks that application only
and issues its own live key; staff read its settings in the review."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.keys import active_api_key, default_application, issue_api_key
from accounts.models import Application, Environment
from golive import services
from golive.evidence import REQUIRED_OPERATIONS
from golive.models import GoLiveRequest
from tests import factories
from tests.golive.helpers import business_data, log_conformance_calls, make_report

STATUS = reverse("golive:status")


@pytest.fixture
def shop(ready_developer):
    """A second application, "Shop", with a key and a ready report of its own."""
    application = Application.objects.create(
        user=ready_developer,
        name="Shop",
        version="2.1",
        session_lifetime_seconds=900,
        trusted_sources=["203.0.113.0/24"],
        disabled_apis=["b2cPayment"],
        limit_single_value=Decimal("5000.00"),
        strict_mode=True,
    )
    key, _ = issue_api_key(ready_developer, application=application)
    for operation in REQUIRED_OPERATIONS:
        factories.ApiCallFactory(api_key=key, operation=operation)
    log_conformance_calls(ready_developer, api_key=key)
    application.report = make_report(ready_developer, api_key=key)
    return application


def _submit(user, application=None, report=None):
    report = report or user.report
    return services.submit_request(
        user, application=application, report_public_id=str(report.public_id)
    )


def test_each_application_is_sent_on_its_own(ready_developer, shop):
    default = _submit(ready_developer)
    shop_request = _submit(ready_developer, shop, shop.report)

    assert default.application == default_application(ready_developer)
    assert shop_request.application == shop
    assert shop_request.report == shop.report
    assert GoLiveRequest.objects.for_user(ready_developer).open().count() == 2


def test_one_open_request_per_application(ready_developer, shop):
    _submit(ready_developer, shop, shop.report)

    with pytest.raises(services.GoLiveError, match="already has a Go Live request"):
        _submit(ready_developer, shop, shop.report)


def test_an_application_is_sent_with_a_report_on_its_own_keys(ready_developer, shop):
    # The Default application's report is not evidence for Shop.
    with pytest.raises(services.GoLiveError, match="not one of your saved reports on this"):
        _submit(ready_developer, shop, ready_developer.report)


def test_another_developers_application_cannot_be_sent(ready_developer, other_developer):
    theirs = default_application(other_developer)

    with pytest.raises(services.GoLiveError, match="your own applications"):
        _submit(ready_developer, theirs)


def test_approval_locks_that_application_only_and_issues_its_live_key(
    ready_developer, shop, reviewer
):
    default = default_application(ready_developer)
    _submit(ready_developer)
    request = _submit(ready_developer, shop, shop.report)

    approved = services.approve_request(request, by=reviewer)

    shop.refresh_from_db()
    default.refresh_from_db()
    assert shop.locked_at is not None
    assert default.locked_at is None
    assert approved.live_api_key.application == shop
    assert active_api_key(ready_developer, environment=Environment.LIVE, application=shop)
    assert active_api_key(ready_developer, environment=Environment.LIVE) is None


def test_the_snapshot_holds_the_applications_settings(ready_developer, shop):
    request = _submit(ready_developer, shop, shop.report)

    settings = request.snapshot["application"]
    assert settings["name"] == "Shop" and settings["version"] == "2.1"
    assert settings["session_lifetime_seconds"] == 900
    assert settings["trusted_sources"] == ["203.0.113.0/24"]
    assert settings["disabled_apis"] == ["b2cPayment"]
    assert "C2B" in " ".join(settings["enabled_apis"])
    assert settings["limit_single_value"] == "5000.00"
    assert settings["strict_mode"] is True


def test_the_go_live_page_picks_an_application(client, ready_developer, shop):
    client.force_login(ready_developer)

    default_page = client.get(STATUS).content.decode()
    shop_page = client.get(STATUS, {"application": shop.public_id}).content.decode()

    assert f"?application={default_application(ready_developer).public_id}" in default_page
    assert f"?application={shop.public_id}" in shop_page
    assert 'label for="id_application">Application</label>' in shop_page


def test_the_go_live_page_of_another_developers_application_is_404(
    client, ready_developer, other_developer
):
    client.force_login(ready_developer)
    theirs = default_application(other_developer)

    assert client.get(STATUS, {"application": theirs.public_id}).status_code == 404
    assert client.get(STATUS, {"application": "not-a-uuid"}).status_code == 404


def test_the_confirmation_page_sends_the_chosen_application(client, ready_developer, shop):
    client.force_login(ready_developer)
    create = reverse("golive:request-create")

    page = client.get(create, {"application": shop.public_id})
    assert page.status_code == 200
    assert "Shop" in page.content.decode()
    response = client.post(
        create,
        {
            **business_data(),
            "report": str(shop.report.public_id),
            "application": str(shop.public_id),
        },
    )

    assert response.status_code == 302
    assert GoLiveRequest.objects.get().application == shop


def test_the_confirmation_page_refuses_another_developers_application(
    client, ready_developer, other_developer
):
    client.force_login(ready_developer)
    theirs = default_application(other_developer)

    response = client.post(
        reverse("golive:request-create"),
        {
            **business_data(),
            "report": str(ready_developer.report.public_id),
            "application": str(theirs.public_id),
        },
    )

    assert response.status_code == 404
    assert not GoLiveRequest.objects.exists()


def test_staff_see_the_applications_settings_in_the_review(client, ready_developer, shop, reviewer):
    request = _submit(ready_developer, shop, shop.report)
    client.force_login(reviewer)

    body = client.get(reverse("admin:golive_goliverequest_change", args=[request.pk])).content
    html = body.decode()

    assert "Shop" in html
    assert "203.0.113.0/24" in html
    assert "900 s" in html
    assert "5000.00" in html
    assert "Strict mode" in html


def test_a_snapshot_from_before_applications_still_renders(client, ready_developer, reviewer):
    request = _submit(ready_developer)
    old = {key: value for key, value in request.snapshot.items() if key != "application"}
    GoLiveRequest.objects.filter(pk=request.pk).update(snapshot=old)
    client.force_login(ready_developer)

    response = client.get(reverse("golive:request-detail", args=[request.public_id]))

    assert response.status_code == 200
    assert "Account details" in response.content.decode()
