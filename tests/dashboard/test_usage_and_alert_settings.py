"""The signed-in home page's usage panel, and My Profile's alert switches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import keys, services
from callbacks.models import CallbackDelivery
from tests.factories import ApiCallFactory

pytestmark = pytest.mark.django_db


def test_usage_panel_shows_calls_success_failing_callbacks_and_expiring_keys(
    developer_client, developer
):
    key = keys.active_api_key(developer)
    for n in range(4):
        ApiCallFactory(api_key=key, user=developer, is_success=n != 0)
    ApiCallFactory(api_key=key, user=developer, created_at=timezone.now() - timedelta(days=2))
    for status, attempts in (("failed", 8), ("pending", 2), ("pending", 0), ("delivered", 1)):
        CallbackDelivery.objects.create(
            user=developer, operation="c2bPayment", url="https://example.com/cb",
            status=status, attempt_count=attempts, max_attempts=8,
            next_attempt_at=timezone.now(),
        )  # fmt: skip
    services.renew_api_key(developer, overlap=timedelta(days=2))

    html = developer_client.get(reverse("dashboard:home")).content.decode()

    assert "Your usage today" in html
    assert "<dd>4</dd>" in html  # calls today
    assert "<dd>75%</dd>" in html  # 3 of 4 succeeded
    assert f'{reverse("callbacks:delivery-list")}">2</a>' in html  # failed + retrying
    assert f"(ending …{key.last4})" in html and "Keys about to expire" in html


def test_usage_panel_is_for_signed_in_developers_only(client):
    assert "Your usage today" not in client.get(reverse("dashboard:home")).content.decode()


def test_alert_switches_on_my_profile(developer_client, developer):
    application = keys.default_application(developer)
    page = developer_client.get(reverse("dashboard:profile-integration")).content.decode()
    assert "Email me when callbacks keep failing" in page
    prefix = str(application.public_id)
    response = developer_client.post(
        reverse("dashboard:alerts-update", args=[application.public_id]),
        {f"{prefix}-alert_on_error_rate": "on"},  # the callbacks box unticked
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:profile-integration")
    application.refresh_from_db()
    assert not application.alert_on_callback_failures and application.alert_on_error_rate


def test_another_developers_application_is_a_404(developer_client, other_developer):
    theirs = keys.default_application(other_developer)
    url = reverse("dashboard:alerts-update", args=[theirs.public_id])
    assert developer_client.post(url, {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.alert_on_callback_failures
