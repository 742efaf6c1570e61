"""An application's limits on payments answer the reference's codes (§8: INS-990 to
INS-995; issue 14), refuse before any money moves, and are logged like any refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from sandbox import limits
from sandbox.models import ApiCall, Transaction
from tests.sandbox.helpers import AppWire, bearer_for

OTHER_CUSTOMER = "233200000002"


@pytest.fixture
def app(developer) -> AppWire:
    return AppWire(developer)


def code(response) -> str:
    return response.json()["output_ResponseCode"]


def refused_with(response, expected: str) -> bool:
    return response.status_code == 400 and code(response) == expected


def test_single_transaction_value_over_the_limit_is_ins_995(app):
    app.configure(limit_single_value=Decimal("100.00"))

    at_limit = app.c2b("100.00")
    over = app.c2b("100.01", input_ThirdPartyConversationID="over1")

    assert at_limit.status_code == 201
    assert refused_with(over, "INS-995")
    assert over.json()["output_ResponseDesc"] == "API Single Transaction Limit Breached"
    assert over.json()["output_ThirdPartyConversationID"] == "over1"
    assert Transaction.objects.count() == 1
    logged = ApiCall.objects.get(result_code="INS-995")
    assert (logged.http_status, logged.amount) == (400, Decimal("100.01"))


def test_the_single_limit_applies_to_b2c_b2b_and_direct_debit_payment(app):
    app.configure(limit_single_value=Decimal("5"))

    for slug in ("b2cPayment", "b2bPayment", "directDebitPayment"):
        response = app.call(slug, app.sample(slug, input_Amount="6"))
        assert refused_with(response, "INS-995"), slug


def test_session_count_limit_is_ins_993_until_a_new_session(app):
    app.configure(limit_session_count=2)
    session = app.session_bearer()

    first, second = app.c2b(bearer=session), app.c2b(bearer=session)
    third = app.c2b(bearer=session)
    fresh = app.c2b(bearer=app.session_bearer())

    assert (first.status_code, second.status_code) == (201, 201)
    assert refused_with(third, "INS-993")
    assert fresh.status_code == 201
    assert Transaction.objects.count() == 3


def test_session_value_limit_is_ins_994(app):
    app.configure(limit_session_value=Decimal("100"))
    session = app.session_bearer()

    assert app.c2b("60", bearer=session).status_code == 201
    over = app.c2b("50", bearer=session)
    exactly = app.c2b("40", bearer=session)

    assert refused_with(over, "INS-994")
    assert exactly.status_code == 201


def test_session_limits_do_not_apply_to_an_api_key_bearer(app):
    """No session, nothing to count per session (strict mode requires sessions)."""
    app.configure(limit_session_count=1)

    assert app.c2b().status_code == 201
    assert app.c2b().status_code == 201


def test_failed_and_refused_payments_do_not_count(app):
    app.configure(limit_session_count=1)
    session = app.session_bearer()
    # A §9 failure trigger (timeout) records a Failed payment: no money moved.
    failed = app.c2b(bearer=session, input_CustomerMSISDN="000000000002")
    assert failed.json()["output_ResponseCode"] == "INS-9"
    assert Transaction.objects.get().status == Transaction.Status.FAILED

    assert app.c2b(bearer=session).status_code == 201
    assert refused_with(app.c2b(bearer=session), "INS-993")
    assert refused_with(app.c2b(bearer=session), "INS-993")  # a refusal counts nothing


def test_customer_daily_count_limit_is_ins_991_per_msisdn(app):
    app.configure(limit_customer_daily_count=1)

    assert app.c2b().status_code == 201
    again = app.c2b()
    other_customer = app.c2b(input_CustomerMSISDN=OTHER_CUSTOMER)

    assert refused_with(again, "INS-991")
    assert other_customer.status_code == 201


def test_customer_daily_value_limit_is_ins_990(app):
    app.configure(limit_customer_daily_value=Decimal("100"))

    assert app.c2b("80").status_code == 201
    assert refused_with(app.c2b("30"), "INS-990")
    assert app.c2b("20").status_code == 201


def test_customer_limit_starts_again_the_next_day(app):
    app.configure(limit_customer_daily_count=1)
    assert app.c2b().status_code == 201
    assert refused_with(app.c2b(), "INS-991")

    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=1)):
        assert app.c2b().status_code == 201


def test_the_customer_day_is_the_applications_time_zone_day(app):
    app.configure(usage_timezone="Africa/Dar_es_Salaam")  # UTC+3
    app.application.refresh_from_db()

    start, end = limits.customer_day(app.application, datetime(2026, 1, 10, 22, 0, tzinfo=UTC))

    # 22:00 UTC on the 10th is 01:00 on the 11th in Dar es Salaam.
    assert start == datetime(2026, 1, 10, 21, 0, tzinfo=UTC)
    assert end == datetime(2026, 1, 11, 21, 0, tzinfo=UTC)


def test_customer_limits_count_every_key_of_the_application(app, developer):
    app.configure(limit_customer_daily_count=1)
    assert app.c2b().status_code == 201
    _, plaintext = services.renew_api_key(developer)

    assert refused_with(app.c2b(bearer=bearer_for(plaintext)), "INS-991")


def test_another_applications_payments_do_not_count(app, other_developer):
    app.configure(limit_customer_daily_count=1)
    assert AppWire(other_developer).c2b().status_code == 201

    assert app.c2b().status_code == 201


def test_several_limits_breached_at_once_is_ins_992(app):
    app.configure(limit_single_value=Decimal("100"), limit_customer_daily_value=Decimal("120"))

    response = app.c2b("150")

    assert refused_with(response, "INS-992")
    assert response.json()["output_ResponseDesc"] == "Multiple Limits Breached"
    assert not Transaction.objects.exists()


def test_limit_refusals_are_answered_at_once_in_asynchronous_mode(app):
    app.configure(
        limit_single_value=Decimal("1"), async_response_url="https://example.com/callback"
    )

    response = app.c2b("5")

    assert refused_with(response, "INS-995")
    assert ApiCall.objects.get().is_async is False


def test_limits_cost_one_query_each(app):
    app.c2b()  # the bearer is cached from here on

    def queries_of_a_payment() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert app.c2b().status_code == 201
        return len(ctx.captured_queries)

    unlimited = queries_of_a_payment()
    app.configure(limit_single_value=Decimal("1000"))
    single = queries_of_a_payment()
    app.configure(limit_customer_daily_count=100, limit_customer_daily_value=Decimal("1e6"))
    customer = queries_of_a_payment()

    # A single-value limit costs nothing; count and value per customer one aggregate.
    assert single == unlimited
    assert customer == unlimited + 1
