"""Alerts for developers: one callback failure digest per application per hour, the
error-rate jump against the application's own week, and the per-application switches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import keys
from callbacks.models import CallbackDelivery, DeliveryAttempt
from ops import alerts, tasks
from ops.models import DeveloperAlert
from tests.factories import ApiCallFactory


@pytest.fixture
def application(developer):
    return keys.default_application(developer)


def fail_deliveries(application, *, count: int, at, error: str = "connection refused"):
    for n in range(count):
        delivery = CallbackDelivery.objects.create(
            user=application.user, application=application, operation="c2bPayment",
            url="https://listener.example.com/cb", max_attempts=8, attempt_count=1,
            next_attempt_at=at + timedelta(minutes=5), last_error=error,
        )  # fmt: skip
        DeliveryAttempt.objects.create(
            delivery=delivery, number=1, url=delivery.url, started_at=at + timedelta(seconds=n),
            is_success=False, http_status=None, error=f"{error} #{n}",
        )  # fmt: skip


def test_many_failures_make_one_digest_in_the_hour_and_another_the_next_hour(application, settings):
    settings.PUBLIC_BASE_URL = "https://portal.example.com"
    now = timezone.now()
    fail_deliveries(application, count=30, at=now - timedelta(minutes=30))

    assert alerts.send_callback_failure_digests(now) == 1
    for minutes in (5, 20, 45):  # beat keeps running; more failures keep coming
        fail_deliveries(application, count=5, at=now + timedelta(minutes=minutes - 1))
        assert alerts.send_callback_failure_digests(now + timedelta(minutes=minutes)) == 0
    assert len(mail.outbox) == 1
    [email] = mail.outbox
    assert email.to == [application.user.email]
    assert "30 deliveries" in email.subject
    assert "connection refused #29" in email.body  # the last error
    assert "https://portal.example.com/sandbox/callbacks/" in email.body
    # Where to turn it off: the Alerts section, on My Profile's Integration tab.
    assert "https://portal.example.com/profile/integration/#alerts" in email.body
    assert email.body.count("delivery ") >= 20 and "... and 10 more." in email.body

    later = now + timedelta(minutes=61)
    assert alerts.send_callback_failure_digests(later) == 1
    assert len(mail.outbox) == 2
    # The second digest lists only the failures since the first: the 15 that followed it.
    assert "(15 deliveries)" in mail.outbox[1].subject
    assert alerts.send_callback_failure_digests(later + timedelta(minutes=61)) == 0


def test_no_digest_when_turned_off_or_nothing_failed(application, developer):
    now = timezone.now()
    assert alerts.send_callback_failure_digests(now) == 0
    application.alert_on_callback_failures = False
    application.save(update_fields=["alert_on_callback_failures"])
    fail_deliveries(application, count=3, at=now - timedelta(minutes=10))
    assert alerts.send_callback_failure_digests(now) == 0
    assert mail.outbox == []


def calls(developer, *, count: int, failed: int, at):
    key = keys.active_api_key(developer)
    for n in range(count):
        ApiCallFactory(
            api_key=key, user=developer, created_at=at + timedelta(seconds=n),
            is_success=n >= failed, result_code="INS-0" if n >= failed else "INS-13",
        )  # fmt: skip


def test_an_error_rate_jump_against_the_applications_week_sends_one_email(application, developer):
    now = timezone.now()
    calls(developer, count=100, failed=5, at=now - timedelta(days=3))  # 5% baseline
    calls(developer, count=30, failed=15, at=now - timedelta(minutes=40))  # 50% now
    assert alerts.send_error_rate_alerts(now) == 1
    assert alerts.send_error_rate_alerts(now + timedelta(minutes=30)) == 0
    [email] = mail.outbox
    assert "50%" in email.subject and "5% of" in email.body
    assert "/profile/integration/#alerts" in email.body
    assert DeveloperAlert.objects.get().kind == "error_rate"


def test_no_error_rate_email_for_a_steady_rate_few_calls_or_when_off(application, developer):
    now = timezone.now()
    calls(developer, count=100, failed=40, at=now - timedelta(days=2))  # 40% is usual
    calls(developer, count=30, failed=14, at=now - timedelta(minutes=30))  # 47%
    assert alerts.send_error_rate_alerts(now) == 0
    calls(developer, count=10, failed=10, at=now - timedelta(minutes=20))  # a jump, but...
    application.alert_on_error_rate = False
    application.save(update_fields=["alert_on_error_rate"])
    assert alerts.send_error_rate_alerts(now) == 0
    assert mail.outbox == []


def test_the_beat_task_runs_both(application):
    fail_deliveries(application, count=2, at=timezone.now() - timedelta(minutes=2))
    assert tasks.send_developer_alerts() == 1
    assert len(mail.outbox) == 1
