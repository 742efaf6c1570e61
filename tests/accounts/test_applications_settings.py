"""One application's settings page: every setting validated together and saved in one
update; bad input gets a message next to its field and saves nothing; a locked
application is read-only; anyone else's application is 404."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.utils import timezone

import catalog
from accounts import services
from accounts.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(developer):
    application, _ = services.create_application(developer, name="Payout service")
    return application


def url(application: Application) -> str:
    return f"/applications/{application.public_id}/"


def valid_post(**overrides) -> dict:
    data = {
        "name": "Payout service",
        "version": "1.2",
        "description": "Pays salaries",
        "async_response_url": "",
        "session_lifetime_seconds": "1800",
        "trusted_sources_text": "203.0.113.7\n198.51.100.9/24\n",
        "enabled_apis": [api.slug for api in catalog.all_apis() if api.slug != "reversal"],
        "limit_single_value": "100",
        "limit_session_count": "5",
        "limit_session_value": "250.50",
        "limit_customer_daily_count": "3",
        "limit_customer_daily_value": "1000",
        "usage_start": "08:00",
        "usage_end": "20:00",
        "usage_timezone": "Africa/Accra",
        "strict_mode": "on",
    }
    data.update(overrides)
    return data


def snapshot(application: Application) -> dict:
    fresh = Application.objects.get(pk=application.pk)
    return {f.attname: getattr(fresh, f.attname) for f in Application._meta.concrete_fields}


def test_the_page_shows_the_settings_and_the_masked_key(developer_client, application):
    response = developer_client.get(url(application))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Payout service" in html
    for label in (
        "Session lifetime (seconds)",
        "Trusted sources",
        "Single transaction value",
        "Usage window time zone",
        "Strict mode",
        "Asynchronous Response URL",
    ):
        assert label in html
    # Every API of the catalogue is a checkbox, checked by default.
    for api in catalog.all_apis():
        assert f'value="{api.slug}"' in html
    assert html.count('name="enabled_apis"') == len(catalog.all_apis())
    assert "Reveal API Key" in html and "Renew API Key" in html
    key = application.api_keys.get()
    assert key.plaintext not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_saving_stores_every_setting(developer_client, application):
    response = developer_client.post(url(application), valid_post())

    assert response.status_code == 302
    assert response["Location"] == url(application)
    application.refresh_from_db()
    assert application.version == "1.2" and application.description == "Pays salaries"
    assert application.session_lifetime_seconds == 1800
    assert application.trusted_sources == ["203.0.113.7/32", "198.51.100.0/24"]
    assert application.disabled_apis == ["reversal"]
    assert application.limit_single_value == Decimal("100")
    assert application.limit_session_count == 5
    assert application.limit_session_value == Decimal("250.50")
    assert application.limit_customer_daily_count == 3
    assert application.limit_customer_daily_value == Decimal("1000")
    assert (application.usage_start, application.usage_end) == (time(8), time(20))
    assert application.usage_timezone == "Africa/Accra"
    assert application.strict_mode is True
    # The page shows what was saved.
    html = developer_client.get(url(application)).content.decode()
    assert "203.0.113.7/32\n198.51.100.0/24" in html
    assert 'value="reversal"' in html and 'value="reversal" id="id_enabled_apis_' in html
    assert 'value="100.00"' in html


def test_empty_limits_and_window_mean_none(developer_client, application):
    data = valid_post(
        limit_single_value="",
        limit_session_count="",
        usage_start="",
        usage_end="",
        trusted_sources_text="",
        strict_mode="",
    )

    assert developer_client.post(url(application), data).status_code == 302

    application.refresh_from_db()
    assert application.limit_single_value is None and application.limit_session_count is None
    assert application.usage_start is None and application.trusted_sources == []
    assert application.strict_mode is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("trusted_sources_text", "203.0.113.7\n10.0.0.300/8", "“10.0.0.300/8” (line 2) is not an"),
        ("trusted_sources_text", "example.com", "“example.com” (line 1) is not an IP"),
        ("usage_end", "07:00", "The window must end after it starts"),
        ("usage_end", "08:00", "The window must end after it starts"),
        ("usage_end", "", "Give both the start and the end of the window, or neither."),
        ("limit_single_value", "-5", "Enter an amount greater than 0"),
        ("limit_single_value", "0", "Enter an amount greater than 0"),
        ("limit_session_value", "10.005", "Use at most 2 decimal places"),
        ("limit_customer_daily_value", "lots", "Enter an amount, e.g. 100"),
        ("limit_session_count", "0", "Enter a whole number of at least 1"),
        ("session_lifetime_seconds", "59", "Enter at least 60 seconds"),
        ("session_lifetime_seconds", "86401", "Enter at most 86400 seconds"),
        ("usage_timezone", "Mars/Olympus", "Select a valid choice."),
        ("enabled_apis", ["noSuchApi"], "Select a valid choice."),
        ("async_response_url", "http://127.0.0.1/hook", "callbacks may not be sent there"),
        ("async_response_url", "ftp://example.com/hook", "Enter a valid http(s) URL."),
    ],
)
def test_bad_input_is_named_next_to_its_field_and_nothing_is_saved(
    developer_client, application, field, value, message, settings
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    before = snapshot(application)

    response = developer_client.post(url(application), valid_post(**{field: value}))

    assert response.status_code == 200
    html = response.content.decode()
    field_id = "id_usage_end" if field == "usage_end" else f"id_{field}"
    errors = html.split(f'id="{field_id}_error"', 1)
    assert len(errors) == 2 or field == "enabled_apis", f"no error next to {field}"
    assert message in html
    # Nothing saved, not even the valid fields of the same form (version, limits...).
    assert snapshot(application) == before


def test_a_name_used_by_another_of_the_developers_applications_is_refused(
    developer_client, application
):
    before = snapshot(application)

    response = developer_client.post(url(application), valid_post(name="Default"))

    assert response.status_code == 200
    assert "You already have an application with this name." in response.content.decode()
    assert snapshot(application) == before


def test_a_locked_application_is_read_only(developer_client, application):
    Application.objects.filter(pk=application.pk).update(locked_at=timezone.now())
    before = snapshot(application)

    page = developer_client.get(url(application)).content.decode()
    response = developer_client.post(url(application), valid_post(version="9.9"))

    assert "Locked after Go Live approval: changes go through a new review" in page
    assert "Save settings" not in page
    single = page.split('name="limit_single_value"', 1)[1].split(">", 1)[0]
    assert "disabled" in single
    assert response.status_code == 403
    assert "Locked after Go Live approval" in response.content.decode()
    assert snapshot(application) == before


def test_locked_between_the_form_and_the_save_still_refused(application):
    Application.objects.filter(pk=application.pk).update(locked_at=timezone.now())

    with pytest.raises(services.ApplicationLocked):
        services.update_application(application, changes={"version": "9.9"})

    assert Application.objects.get(pk=application.pk).version == "1.0"


def test_the_default_application_is_editable_here_too(developer_client, developer):
    default = Application.objects.get(user=developer, is_default=True)

    response = developer_client.post(url(default), valid_post(name="Default"))

    assert response.status_code == 302
    default.refresh_from_db()
    assert default.is_default and default.limit_single_value == Decimal("100")


def test_another_developers_application_is_404(client, other_developer, application):
    client.force_login(other_developer)
    before = snapshot(application)

    assert client.get(url(application)).status_code == 404
    assert client.post(url(application), valid_post(version="6.6")).status_code == 404
    assert snapshot(application) == before


def test_an_unknown_application_is_404(developer_client):
    assert (
        developer_client.get("/applications/00000000-0000-4000-8000-000000000000/").status_code
        == 404
    )


def test_anonymous_is_sent_to_sign_in(client, application):
    response = client.get(url(application))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_wrong_method_is_405(developer_client, application):
    assert developer_client.delete(url(application)).status_code == 405
