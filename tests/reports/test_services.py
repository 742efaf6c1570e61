"""Services Go Live relies on: latest_report and report_rows."""

from __future__ import annotations

from datetime import date

import pytest

from reports import columns, services
from reports.queries import Selection
from tests.reports.conftest import utc


def test_latest_report_is_the_most_recent_generate(developer, other_developer):
    assert services.latest_report(developer) is None
    first = services.generate_report(
        developer, selection=Selection(developer.api_key, date(2026, 11, 1), date(2026, 11, 2))
    )
    second = services.generate_report(
        developer, selection=Selection(developer.api_key, date(2026, 10, 1), date(2026, 10, 2))
    )
    services.generate_report(
        other_developer,
        selection=Selection(other_developer.api_key, date(2026, 11, 1), date(2026, 11, 2)),
    )
    assert services.latest_report(developer) == second
    assert first.created_at <= second.created_at


def test_report_rows_returns_the_saved_selection_newest_first(developer, make_call):
    key = developer.api_key
    make_call(key, at=utc(2026, 11, 10, 9), transaction_id="TXROW00001")
    make_call(key, at=utc(2026, 11, 10, 10), transaction_id="TXROW00002", operation="reversal")
    make_call(key, at=utc(2026, 11, 12, 10), transaction_id="TXOUTSIDE1")  # after date_to
    report = services.generate_report(
        developer, selection=Selection(key, date(2026, 11, 10), date(2026, 11, 11))
    )
    rows = services.report_rows(report, limit=10)
    assert [r["transaction_id"] for r in rows] == ["TXROW00002", "TXROW00001"]
    assert columns.BY_KEY["api_name"].value(rows[0]) == "Reversal"
    assert services.report_rows(report, limit=1)[0]["transaction_id"] == "TXROW00002"


def test_a_report_may_not_cover_another_developers_key(developer, other_developer):
    with pytest.raises(PermissionError):
        services.generate_report(
            developer,
            selection=Selection(other_developer.api_key, date(2026, 11, 1), date(2026, 11, 2)),
        )
