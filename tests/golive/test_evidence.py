"""Readiness ("is Go Live! available, and if not, what exactly is missing") and snapshots."""

import json

from golive import evidence
from tests.golive.helpers import log_calls, make_report


def test_no_report_yet_says_so(developer):
    log_calls(developer)

    readiness = evidence.check_readiness(developer)

    assert not readiness.is_ready
    assert readiness.missing == [
        "You have not generated a report on a key of this application yet: "
        "generate one on the Reports page."
    ]


def test_report_without_any_success_says_no_successful_call(developer):
    log_calls(developer, successes=(), failures=("c2bPayment", "reversal"))
    make_report(developer)

    readiness = evidence.check_readiness(developer)

    assert not readiness.is_ready
    assert len(readiness.missing) == 1
    assert "holds no successful call" in readiness.missing[0]


def test_names_each_api_without_a_success(developer):
    log_calls(developer, successes=("c2bPayment",), failures=("reversal",))
    make_report(developer)

    readiness = evidence.check_readiness(developer)

    assert readiness.missing == [
        "Your latest report has no successful Reversal call (reversal).",
        "Your latest report has no successful Query Transaction Status call "
        "(queryTransactionStatus).",
    ]


def test_all_three_apis_successful_is_ready(ready_developer):
    readiness = evidence.check_readiness(ready_developer)

    assert readiness.is_ready
    assert readiness.report == ready_developer.report
    assert readiness.operations["c2bPayment"] == {"calls": 2, "successes": 1}


def test_only_the_latest_report_counts(developer):
    log_calls(developer)
    make_report(developer)
    # A newer report filtered to C2B only no longer proves the other two APIs.
    make_report(developer, operation="c2bPayment")

    readiness = evidence.check_readiness(developer)

    assert not readiness.is_ready
    assert "Reversal" in readiness.missing[0]


def test_calls_outside_the_report_range_do_not_count(developer):
    from datetime import timedelta

    from django.utils import timezone

    log_calls(developer, when=timezone.now() - timedelta(days=10))
    make_report(developer)

    assert not evidence.check_readiness(developer).is_ready


def test_snapshot_is_plain_json_with_account_summary_and_rows(ready_developer):
    snapshot = evidence.build_snapshot(ready_developer, ready_developer.report)

    json.dumps(snapshot)  # storable as is
    assert snapshot["account"]["username"] == "dev"
    assert snapshot["account"]["company"] == "Acme Payments"
    assert snapshot["report"]["summary"]["calls"] == 4
    assert snapshot["report"]["rows_total"] == 4
    assert {r["operation"] for r in snapshot["rows"]} == set(evidence.REQUIRED_OPERATIONS)
    assert snapshot["report"]["api_key_last4"] == ready_developer.api_key.last4


def test_snapshot_rows_are_capped(ready_developer, monkeypatch):
    monkeypatch.setattr(evidence, "SNAPSHOT_ROW_LIMIT", 2)

    snapshot = evidence.build_snapshot(ready_developer, ready_developer.report)

    assert len(snapshot["rows"]) == 2
    assert snapshot["report"]["rows_included"] == 2
    assert snapshot["report"]["rows_total"] == 4
