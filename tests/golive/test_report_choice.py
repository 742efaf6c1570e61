"""Go Live's confirmation says which report it sends and lets the developer pick
another of their saved reports, or generate a fresh one."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import Application
from golive import services
from golive.models import GoLiveRequest
from reports.models import Report
from tests.factories import ApiKeyFactory
from tests.golive.helpers import business_data, make_report, ready_report

pytestmark = pytest.mark.django_db

URL = reverse("golive:request-create")
FRESH = reverse("golive:request-fresh-report")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def two_reports(ready_developer):
    """An older ready report over two days, and the newest one (over today only)."""
    older = ready_developer.report
    today = timezone.now().date()
    newer = make_report(ready_developer, date_from=today, date_to=today)
    return older, newer


def test_the_page_names_the_report_it_sends(client, ready_developer):
    client.force_login(ready_developer)
    report = ready_developer.report

    page = html.unescape(client.get(URL).content.decode())

    calls = report.summary["calls"]
    label = f"{report.date_from} to {report.date_to} · key …{report.api_key.last4} · {calls} calls"
    assert f"<strong>{label}" in page
    assert "Generate a fresh report (last 7 days)" in page


def test_picking_an_older_report_shows_it_and_sends_its_snapshot(
    client, ready_developer, two_reports, django_capture_on_commit_callbacks
):
    older, newer = two_reports
    client.force_login(ready_developer)

    page = client.get(URL).content.decode()
    # The newest is offered first; the select lists the others.
    assert f'name="report" value="{newer.public_id}"' in page
    assert f'<option value="{older.public_id}">' in page

    page = client.get(URL, {"report": str(older.public_id)}).content.decode()
    assert f'name="report" value="{older.public_id}"' in page
    assert f'<option value="{older.public_id}" selected>' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**business_data(), "report": str(older.public_id)})

    assert response.status_code == 302
    request = GoLiveRequest.objects.get()
    assert request.report == older
    assert request.snapshot["report"]["public_id"] == str(older.public_id)
    assert request.snapshot["report"]["date_from"] == older.date_from.isoformat()
    assert request.snapshot["report"]["summary"] == older.summary


@pytest.mark.parametrize("whose", ["another developer's", "unknown", "malformed"])
def test_a_bad_choice_is_refused_and_nothing_is_sent(
    client, ready_developer, other_developer, whose
):
    if whose == "another developer's":
        choice = str(ready_report(other_developer).public_id)
    elif whose == "unknown":
        choice = str(uuid.uuid4())
    else:
        choice = "../1 OR 1=1"
    client.force_login(ready_developer)

    response = client.post(URL, {**business_data(), "report": choice})

    assert response.status_code == 200  # the confirmation page again
    assert not GoLiveRequest.objects.exists()
    said = " ".join(_messages(response))
    assert str(services.NOT_YOUR_REPORT) in said or "The confirmation form was incomplete" in said
    # The page falls back to the developer's own latest report, never the other one.
    assert f'name="report" value="{ready_developer.report.public_id}"' in response.content.decode()


def test_viewing_someone_elses_report_is_refused_with_a_message(
    client, ready_developer, other_developer
):
    theirs = ready_report(other_developer)
    client.force_login(ready_developer)

    response = client.get(URL, {"report": str(theirs.public_id)})

    assert response.status_code == 200
    assert str(services.NOT_YOUR_REPORT) in _messages(response)
    assert str(theirs.public_id) not in response.content.decode()


def test_a_report_of_another_application_is_refused(client, ready_developer):
    shop = Application.objects.create(user=ready_developer, name="Shop")
    key = ApiKeyFactory(user=ready_developer, application=shop)
    shop_report = make_report(ready_developer, api_key=key)
    client.force_login(ready_developer)

    response = client.post(URL, {**business_data(), "report": str(shop_report.public_id)})

    assert not GoLiveRequest.objects.exists()
    assert str(services.NOT_YOUR_REPORT) in _messages(response)


def test_a_report_without_the_required_calls_cannot_be_chosen(client, ready_developer):
    past = timezone.now().date() - timedelta(days=300)
    empty = make_report(ready_developer, date_from=past, date_to=past)
    client.force_login(ready_developer)

    response = client.post(URL, {**business_data(), "report": str(empty.public_id)})

    assert not GoLiveRequest.objects.exists()
    assert any("This report holds no successful call" in m for m in _messages(response))


def test_a_fresh_report_is_generated_and_offered(client, ready_developer):
    client.force_login(ready_developer)
    before = Report.objects.count()

    response = client.post(FRESH)

    assert Report.objects.count() == before + 1
    fresh = Report.objects.latest("created_at")
    assert (fresh.date_to - fresh.date_from).days == 6
    assert fresh.filters.get("application")  # every key of the application
    assert response.status_code == 302
    assert response["Location"].startswith(URL) and str(fresh.public_id) in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert f'name="report" value="{fresh.public_id}"' in page
    assert not GoLiveRequest.objects.exists()  # generating sends nothing


def test_the_emails_show_the_time_in_each_readers_zone(
    client, ready_developer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.GOLIVE_REVIEWER_EMAILS = ["review@mpesa.example"]
    ready_developer.timezone = "Africa/Nairobi"  # UTC+3
    ready_developer.save(update_fields=["timezone"])
    client.force_login(ready_developer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**business_data(), "report": str(ready_developer.report.public_id)})

    sent = GoLiveRequest.objects.get().submitted_at
    staff_mail, developer_mail = mailoutbox
    nairobi = timezone.localtime(sent, ZoneInfo("Africa/Nairobi")).strftime("%Y-%m-%d %H:%M")
    utc = timezone.localtime(sent, ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M")
    assert f"{nairobi} Africa/Nairobi" in developer_mail.body
    assert f"{utc} UTC" in staff_mail.body  # the reviewers read UTC, whoever submitted
