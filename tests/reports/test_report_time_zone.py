"""Reports count whole days in the developer's time zone, chosen on My Profile, and
name it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from reports.models import Report
from tests.reports.conftest import utc

pytestmark = pytest.mark.django_db

GENERATE = reverse("reports:report-generate")


def generate(client, key, day: date) -> Report:
    response = client.post(
        GENERATE,
        {"range": "custom", "key": key.public_id, "date_from": day, "date_to": day},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Report.objects.latest("created_at")


@pytest.mark.parametrize(
    ("zone", "day_with_the_call"),
    [("UTC", date(2026, 3, 1)), ("Africa/Nairobi", date(2026, 3, 2))],
)
def test_a_late_evening_call_is_on_the_developers_own_day(
    developer_client, developer, make_call, zone, day_with_the_call
):
    developer_client.post(reverse("dashboard:time-zone-update"), {"timezone": zone})
    # 22:30 UTC on 1 March: still 1 March in UTC, already 01:30 on 2 March in Nairobi.
    make_call(developer.api_key, at=utc(2026, 3, 1, 22, 30))

    for day in (date(2026, 3, 1), date(2026, 3, 2)):
        report = generate(developer_client, developer.api_key, day)
        expected = 1 if day == day_with_the_call else 0
        assert report.summary["calls"] == expected, f"{zone}, {day}"
        assert report.filters["timezone"] == zone


def test_the_report_pages_name_the_zone(developer_client, developer, make_call):
    developer_client.post(reverse("dashboard:time-zone-update"), {"timezone": "Africa/Accra"})
    make_call(developer.api_key, at=utc(2026, 3, 1, 12))
    report = generate(developer_client, developer.api_key, date(2026, 3, 1))

    page = developer_client.get(reverse("reports:report-detail", args=[report.public_id]))
    assert "days and times in Africa/Accra" in page.content.decode()
    form = developer_client.get(reverse("reports:index")).content.decode()
    assert "Days are counted in Africa/Accra (your time zone" in form
