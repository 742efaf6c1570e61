"""Staff admin of applications: listed with developer and lock state, keys by their last
four characters, settings read-only, limits editable (a live application's too) and
every change of limits recorded on the developer's security events."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Application, SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMITS = {
    "limit_single_value": "",
    "limit_session_count": "",
    "limit_session_value": "",
    "limit_customer_daily_count": "",
    "limit_customer_daily_value": "",
}
# The inline of keys posts its management form with the change form.
KEYS_INLINE = {
    "api_keys-TOTAL_FORMS": "1",
    "api_keys-INITIAL_FORMS": "1",
    "api_keys-MIN_NUM_FORMS": "0",
    "api_keys-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def live_application(developer):
    application, _ = services.create_application(developer, name="Payout service")
    Application.objects.filter(pk=application.pk).update(
        locked_at=timezone.now(), strict_mode=True, limit_single_value=Decimal("500")
    )
    application.refresh_from_db()
    return application


def post_data(application, **limits) -> dict:
    key = application.api_keys.get()
    inline = {**KEYS_INLINE, "api_keys-0-id": str(key.pk), "api_keys-0-application": ""}
    inline["api_keys-0-application"] = str(application.pk)
    return {**LIMITS, "limit_single_value": "500.00", **limits, **inline}


def change_url(application) -> str:
    return f"/admin/accounts/application/{application.pk}/change/"


def test_the_list_shows_developer_name_default_strict_and_lock(admin_client, live_application):
    response = admin_client.get("/admin/accounts/application/", {"q": "payout"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Payout service" in html and "dev" in html
    assert "Default" not in html.split("result_list", 1)[1]  # the search narrowed it
    assert html.count('alt="True"') >= 2  # strict and locked


def test_the_change_page_shows_keys_by_last4_and_the_settings(
    admin_client, live_application, developer
):
    key = live_application.api_keys.get()

    response = admin_client.get(change_url(live_application))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"…{key.last4}" in html
    assert key.plaintext not in html and key.encrypted not in html and key.digest not in html
    assert 'name="limit_single_value"' in html
    # Settings are shown, not editable.
    assert 'name="name"' not in html and 'name="trusted_sources"' not in html


def test_staff_change_a_live_applications_limits_and_it_is_audited(
    admin_client, live_application, developer
):
    response = admin_client.post(
        change_url(live_application),
        post_data(live_application, limit_single_value="50", limit_session_count="3"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    live_application.refresh_from_db()
    assert live_application.limit_single_value == Decimal("50")
    assert live_application.limit_session_count == 3
    assert live_application.is_locked  # still live
    event = developer.security_events.get(kind=SecurityEvent.Kind.LIMITS_CHANGED_BY_STAFF)
    assert event.detail.startswith("Payout service:")
    assert "limit_single_value 500.00→50" in event.detail
    assert "limit_session_count None→3" in event.detail
    assert "(by boss)" in event.detail


def test_saving_without_a_change_of_limits_records_nothing(admin_client, live_application):
    response = admin_client.post(change_url(live_application), post_data(live_application))

    assert response.status_code == 302
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LIMITS_CHANGED_BY_STAFF)


@pytest.mark.parametrize(
    ("field", "value"),
    [("limit_single_value", "-1"), ("limit_session_value", "1.005"), ("limit_session_count", "0")],
)
def test_bad_limits_are_refused_and_nothing_is_recorded(
    admin_client, live_application, field, value
):
    response = admin_client.post(
        change_url(live_application), post_data(live_application, **{field: value})
    )

    assert response.status_code == 200
    live_application.refresh_from_db()
    assert live_application.limit_single_value == Decimal("500")
    assert live_application.limit_session_count is None
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LIMITS_CHANGED_BY_STAFF)
