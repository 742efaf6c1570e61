"""POST /reports/generate/: validates, saves a Report, redirects to its own GET page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from reports.models import CallSlot, Report, RollupMark
from tests.reports.conftest import FAILED

URL = reverse("reports:report-generate")


def test_generate_saves_the_report_with_parameters_and_summary(
    developer_client, developer, make_call
):
    key = developer.api_key
    now = timezone.now()
    make_call(key, at=now - timedelta(minutes=5))
    make_call(key, at=now - timedelta(minutes=4), **FAILED)
    make_call(key, at=now - timedelta(days=40))  # outside the last 30 days

    response = developer_client.post(URL, {"range": "30d", "key": key.public_id, "outcome": ""})

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report-detail", args=[report.public_id])
    assert report.user == developer
    assert report.api_key == key
    today = now.date()
    assert (report.date_from, report.date_to) == (today - timedelta(days=29), today)
    assert report.filters == {"timezone": "UTC"}
    assert report.summary["calls"] == 2
    assert report.summary["successes"] == 1
    assert report.summary["success_rate"] == 50.0


def test_custom_range_and_filters_are_saved(developer_client, developer):
    response = developer_client.post(
        URL,
        {
            "range": "custom",
            "date_from": "2026-10-01",
            "date_to": "2026-10-31",
            "key": developer.api_key.public_id,
            "api": "reversal",
            "outcome": "failure",
            "result_code": "ins-10",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert str(report.date_from) == "2026-10-01"
    assert str(report.date_to) == "2026-10-31"
    assert report.filters == {
        "operation": "reversal",
        "outcome": "failure",
        "result_code": "INS-10",
        "timezone": "UTC",
    }


def test_today_is_the_developers_today(developer_client, developer, monkeypatch):
    developer.timezone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of UTC
    developer.save(update_fields=["timezone"])
    response = developer_client.post(URL, {"range": "today", "key": developer.api_key.public_id})
    assert response.status_code == 302
    report = Report.objects.get()
    local_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert report.date_from == report.date_to == local_today
    assert report.filters["timezone"] == "Pacific/Kiritimati"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"range": "custom"}, "date_from", "Choose the first day of the range."),
        (
            {"range": "custom", "date_from": "2026-10-05", "date_to": "2026-10-01"},
            "date_to",
            "The last day must not be before the first day.",
        ),
        (
            {"range": "custom", "date_from": "2024-01-01", "date_to": "2026-01-01"},
            "date_to",
            "A report covers at most 366 days.",
        ),
        ({"range": "yesterday"}, "range", "Select a valid choice."),
        ({"range": "7d", "api": "stealMoney"}, "api", "Select a valid choice."),
        ({"range": "7d", "result_code": "INS 0;--"}, "result_code", "Letters, digits and dashes"),
    ],
)
def test_invalid_input_shows_errors_and_saves_nothing(
    developer_client, developer, params, field, message
):
    response = developer_client.post(URL, {"key": developer.api_key.public_id, **params})
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert message.split(" ")[0] in response.content.decode()
    assert not Report.objects.exists()


def test_another_developers_key_is_not_a_valid_choice(developer_client, other_developer):
    response = developer_client.post(URL, {"range": "7d", "key": other_developer.api_key.public_id})
    assert response.status_code == 400
    assert "key" in response.context["form"].errors
    assert not Report.objects.exists()


def test_a_retired_keys_calls_appear_only_when_it_is_chosen(developer_client, developer, make_call):
    old_key = developer.api_key
    make_call(old_key, at=timezone.now() - timedelta(hours=2), transaction_id="OLDKEYTX01")
    new_key, _ = services.renew_api_key(developer)
    make_call(new_key, at=timezone.now() - timedelta(hours=1), transaction_id="NEWKEYTX01")

    developer_client.post(URL, {"range": "7d", "key": new_key.public_id})
    page = developer_client.get(
        reverse("reports:report-detail", args=[Report.objects.latest("created_at").public_id])
    )
    assert "NEWKEYTX01" in page.content.decode()
    assert "OLDKEYTX01" not in page.content.decode()

    developer_client.post(URL, {"range": "7d", "key": old_key.public_id})
    report = Report.objects.latest("created_at")
    assert report.api_key == old_key
    assert report.summary["calls"] == 1
    page = developer_client.get(reverse("reports:report-detail", args=[report.public_id]))
    assert "OLDKEYTX01" in page.content.decode()
    assert "NEWKEYTX01" not in page.content.decode()


def test_anonymous_is_sent_to_sign_in(anonymous_client, db):
    response = anonymous_client.post(URL, {"range": "7d"})
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_wrong_method_is_refused(developer_client, developer):
    """A GET never writes: the old GET form's URL saves nothing."""
    response = developer_client.get(URL, {"range": "7d", "key": developer.api_key.public_id})
    assert response.status_code == 405
    assert not Report.objects.exists()


def test_the_reports_page_form_posts_with_a_csrf_token(developer_client):
    page = developer_client.get(reverse("reports:index")).content.decode()
    assert f'<form method="post" action="{URL}"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_generate_rolls_up_then_the_report_page_only_reads(developer_client, developer, make_call):
    """The roll-up is Generate's named step; reopening the bookmarked page writes nothing."""
    key = developer.api_key
    make_call(key, at=timezone.now() - timedelta(hours=1))
    response = developer_client.post(URL, {"range": "7d", "key": key.public_id})
    assert RollupMark.objects.get(api_key=key).rolled_until > timezone.now() - timedelta(minutes=25)
    assert CallSlot.objects.filter(api_key=key).exists()
    RollupMark.objects.all().delete()
    CallSlot.objects.all().delete()

    page = developer_client.get(response["Location"])

    assert page.status_code == 200
    assert not RollupMark.objects.exists() and not CallSlot.objects.exists()
    assert Report.objects.count() == 1
