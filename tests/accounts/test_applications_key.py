"""An application's API key: revealed by POST only, renewed at once or with an overlap
of up to 7 days, its history in the developer's time zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import keys, services
from accounts.models import ApiKey, SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(developer):
    application, _ = services.create_application(developer, name="Payout service")
    return application


def reveal_url(application) -> str:
    return f"/applications/{application.public_id}/key/reveal/"


def renew_url(application) -> str:
    return f"/applications/{application.public_id}/key/renew/"


def test_reveal_shows_the_key_on_the_next_rendering_only(developer_client, application):
    key = keys.active_api_key(application.user, application=application)
    settings_url = f"/applications/{application.public_id}/"
    developer_client.get(settings_url)  # spends the flag set by the creation

    response = developer_client.post(reveal_url(application))

    assert response.status_code == 302
    assert response["Location"] == settings_url + "#api-key"
    revealed = developer_client.get(settings_url)
    assert key.plaintext in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    assert key.plaintext not in developer_client.get(settings_url).content.decode()


def test_reveal_answers_json_to_the_page_script(developer_client, application):
    key = keys.active_api_key(application.user, application=application)

    response = developer_client.post(reveal_url(application), HTTP_ACCEPT="application/json")

    assert response.json() == {"api_key": key.plaintext}


def test_reveal_by_get_is_405(developer_client, application):
    assert developer_client.get(reveal_url(application)).status_code == 405


def test_renew_asks_first_and_offers_the_overlaps(developer_client, application):
    response = developer_client.get(renew_url(application))

    assert response.status_code == 200
    html = response.content.decode()
    for choice in ("Retire the old key now", "1 hour", "24 hours", "3 days", "7 days"):
        assert choice in html
    assert application.api_keys.count() == 1


def test_renew_now_retires_the_old_key_at_once(developer_client, developer, application):
    old = keys.active_api_key(developer, application=application)

    response = developer_client.post(renew_url(application), {"overlap": "0"})

    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.public_id}/#api-key"
    old.refresh_from_db()
    assert old.retired_at is not None and not old.is_active
    new = keys.active_api_key(developer, application=application)
    assert new.pk != old.pk
    # The Default application's key (My Profile's) is untouched.
    assert keys.active_api_key(developer) == developer.api_key
    page = developer_client.get(response["Location"]).content.decode()
    assert new.plaintext in page
    assert "no longer works" in page
    event = developer.security_events.get(kind=SecurityEvent.Kind.API_KEY_RENEWED)
    assert event.detail.startswith("Payout service:")


def test_renew_with_a_24_hour_overlap_keeps_both_keys_working(
    developer_client, developer, application
):
    developer.timezone = "Africa/Nairobi"  # UTC+3, no daylight saving
    developer.save(update_fields=["timezone"])
    old = keys.active_api_key(developer, application=application)
    before = timezone.now()

    response = developer_client.post(renew_url(application), {"overlap": "86400"})

    assert response.status_code == 302
    old.refresh_from_db()
    assert before + timedelta(hours=24) <= old.retired_at <= timezone.now() + timedelta(hours=24)
    assert old.is_active and not old.is_current
    usable = ApiKey.objects.filter(application=application).usable()
    assert usable.count() == 2
    page = developer_client.get(response["Location"]).content.decode()
    local = timezone.localtime(old.retired_at, timezone.get_fixed_timezone(180))
    assert f"works until {local:%Y-%m-%d %H:%M}" in page
    assert "Created (Africa/Nairobi)" in page
    assert "keeps working until" in page


def test_an_unknown_overlap_is_refused_and_nothing_renewed(developer_client, application):
    response = developer_client.post(renew_url(application), {"overlap": "2592000"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert application.api_keys.count() == 1


def test_another_developers_key_is_404(client, other_developer, application):
    client.force_login(other_developer)

    assert client.post(reveal_url(application)).status_code == 404
    assert client.get(renew_url(application)).status_code == 404
    assert client.post(renew_url(application), {"overlap": "0"}).status_code == 404
    assert application.api_keys.count() == 1


def test_anonymous_is_sent_to_sign_in(client, application):
    for response in (client.post(reveal_url(application)), client.get(renew_url(application))):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_renew_wrong_method_is_405(developer_client, application):
    assert developer_client.put(renew_url(application)).status_code == 405
