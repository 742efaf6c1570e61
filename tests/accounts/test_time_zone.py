"""The developer's time zone: chosen on My Profile (or taken from the browser once),
validated with zoneinfo, and used for every date shown to them and emailed to them."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import keys
from accounts.models import User
from accounts.timezones import MARKET_ZONES
from callbacks.models import CallbackDelivery, DeliveryAttempt
from ops import alerts
from tests.factories import ApiCallFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("dashboard:profile-account")  # the Time zone section
SET = reverse("dashboard:time-zone-update")
BROWSER = reverse("accounts:time-zone-browser")
LOG = reverse("dashboard:request-log")


def stored(user) -> str:
    return User.objects.values_list("timezone", flat=True).get(pk=user.pk)


def test_new_developers_have_no_zone_and_see_utc(developer, developer_client):
    assert stored(developer) == ""
    assert developer.time_zone == "UTC"
    page = developer_client.get(PROFILE).content.decode()
    assert "You have not chosen a time zone yet: dates are shown in UTC." in page


def test_the_select_lists_the_markets_zones_first(developer_client):
    page = developer_client.get(PROFILE).content.decode()

    select = page.split('name="timezone"', 1)[1].split("</select>", 1)[0]
    values = html.unescape(select).split('value="')[1:]
    first = [v.split('"', 1)[0] for v in values[: len(MARKET_ZONES)]]
    assert first == list(MARKET_ZONES)
    assert '<optgroup label="The markets&#x27; time zones">' in select
    assert '<optgroup label="America">' in select and 'value="America/New_York"' in select
    assert len(values) > 300  # every zone zoneinfo knows


def test_choosing_a_zone_stores_it_and_says_so(developer, developer_client):
    response = developer_client.post(SET, {"timezone": "Africa/Nairobi"}, follow=True)

    assert stored(developer) == "Africa/Nairobi"
    page = response.content.decode()
    assert "Your time zone is now Africa/Nairobi: dates are shown in it." in page
    assert "Dates are shown in <strong>Africa/Nairobi</strong>." in page


@pytest.mark.parametrize(
    "value", ["Mars/Olympus_Mons", "africa/nairobi", "../../etc/passwd", "", "x" * 500, "UTC\x00"]
)
def test_an_invalid_zone_is_refused_with_a_clear_error_and_changes_nothing(
    developer, developer_client, value
):
    developer_client.post(SET, {"timezone": "Africa/Accra"})

    response = developer_client.post(SET, {"timezone": value})

    assert response.status_code == 200  # the page again, next to the refused field
    page = html.unescape(response.content.decode())
    assert (
        "is not a time zone we know. Choose one from the list" in page
        or (value == "" and "Choose a time zone." in page)
        or "Null characters are not allowed." in page
    )
    assert stored(developer) == "Africa/Accra"
    assert "Dates are shown in <strong>Africa/Accra</strong>." in page


def test_the_browser_zone_is_stored_once_while_there_is_none(developer, developer_client):
    first = developer_client.post(BROWSER, {"time_zone": "Africa/Maputo"})
    assert first.status_code == 200
    assert first.json() == {"stored": True, "time_zone": "Africa/Maputo"}

    again = developer_client.post(BROWSER, {"time_zone": "Europe/Paris"})
    assert again.json() == {"stored": False, "time_zone": "Africa/Maputo"}
    assert stored(developer) == "Africa/Maputo"


def test_the_browser_zone_never_replaces_a_chosen_one(developer, developer_client):
    developer_client.post(SET, {"timezone": "Africa/Cairo"})
    assert developer_client.post(BROWSER, {"time_zone": "Asia/Tokyo"}).json()["stored"] is False
    assert stored(developer) == "Africa/Cairo"


@pytest.mark.parametrize("value", ["Not/AZone", "", "x" * 65])
def test_an_invalid_browser_zone_is_refused(developer, developer_client, value):
    response = developer_client.post(BROWSER, {"time_zone": value})

    assert response.status_code == 400
    assert response.json()["error"]
    assert stored(developer) == ""


def test_the_browser_zone_needs_the_csrf_token(developer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(developer)
    assert client.post(BROWSER, {"time_zone": "Africa/Nairobi"}).status_code == 403
    assert stored(developer) == ""


def test_the_script_is_on_pages_only_while_there_is_no_zone(developer, developer_client):
    assert "js/timezone-default.js" in developer_client.get(PROFILE).content.decode()
    developer_client.post(SET, {"timezone": "UTC"})
    assert "js/timezone-default.js" not in developer_client.get(PROFILE).content.decode()


def test_request_log_times_shift_with_the_zone(developer, developer_client):
    at = datetime(2026, 3, 1, 22, 30, 15, tzinfo=UTC)
    ApiCallFactory(api_key=developer.api_key, user=developer, created_at=at)

    utc_page = developer_client.get(LOG, {"date_from": "2026-03-01", "date_to": "2026-03-02"})
    assert "2026-03-01 22:30:15" in utc_page.content.decode()
    assert "Times in UTC." in utc_page.content.decode()

    developer_client.post(SET, {"timezone": "Africa/Nairobi"})
    page = developer_client.get(LOG, {"date_from": "2026-03-01", "date_to": "2026-03-02"})
    text = page.content.decode()
    assert "2026-03-02 01:30:15" in text and "2026-03-01 22:30:15" not in text
    assert "Times in Africa/Nairobi." in text
    assert "Days are counted in Africa/Nairobi (your time zone" in text


def test_my_profile_dates_name_the_zone(developer, developer_client):
    developer_client.post(SET, {"timezone": "Africa/Kinshasa"})  # UTC+1
    key = keys.active_api_key(developer)
    page = developer_client.get(reverse("dashboard:profile")).content.decode()
    shown = key.created_at.astimezone(ZoneInfo("Africa/Kinshasa")).strftime("%Y-%m-%d %H:%M")
    assert f"Active since {shown} Africa/Kinshasa." in page


def test_alert_emails_show_dates_in_the_developers_zone(developer, developer_client):
    developer_client.post(SET, {"timezone": "Africa/Nairobi"})
    developer.refresh_from_db()
    application = keys.default_application(developer)
    now = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    for n in range(3):
        delivery = CallbackDelivery.objects.create(
            user=developer, application=application, operation="c2bPayment",
            url="https://listener.example.com/cb", max_attempts=8, attempt_count=1,
            next_attempt_at=now, last_error="refused",
        )  # fmt: skip
        DeliveryAttempt.objects.create(
            delivery=delivery, number=1, url=delivery.url,
            started_at=now - timedelta(minutes=10, seconds=n), is_success=False, error="refused",
        )  # fmt: skip

    assert alerts.send_callback_failure_digests(now) == 1

    body = mail.outbox[0].body
    assert "2026-03-02 01:2" in body and "Africa/Nairobi" in body
    assert " UTC" not in body
