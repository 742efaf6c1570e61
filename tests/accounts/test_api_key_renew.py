"""Renew API Key: a confirmation, then the old key is retired at once and kept."""

import pytest

from accounts import keys, services
from accounts.models import ApiKey, Environment, SecurityEvent

pytestmark = pytest.mark.django_db

RENEW = "/profile/api-key/renew/"


def test_renew_asks_for_confirmation_first(developer_client, developer):
    response = developer_client.get(RENEW)

    assert response.status_code == 200
    html = response.content.decode()
    assert "stops working at" in html and "once" in html
    assert developer.api_key.last4 in html
    assert "Yes, renew my API key" in html
    assert keys.active_api_key(developer) == developer.api_key  # nothing changed yet


def test_renew_retires_the_old_key_and_shows_the_new_one(developer_client, developer):
    old = developer.api_key

    response = developer_client.post(RENEW)

    assert response.status_code == 302
    assert response["Location"] == "/profile/#api-key"
    old.refresh_from_db()
    assert old.retired_at is not None
    new = keys.active_api_key(developer)
    assert new.pk != old.pk
    assert new.plaintext != developer.api_key_plaintext
    assert len(new.plaintext) == 32
    assert ApiKey.objects.filter(user=developer).count() == 2  # the old one is kept
    event = developer.security_events.get(kind=SecurityEvent.Kind.API_KEY_RENEWED)
    assert old.last4 in event.detail and new.last4 in event.detail
    page = developer_client.get("/profile/").content.decode()
    assert new.plaintext in page
    assert developer.api_key_plaintext not in page
    assert "no longer works" in page
    assert "Retired" in page


def test_renew_does_not_touch_another_developer(developer_client, developer, other_developer):
    developer_client.post(RENEW)

    assert keys.active_api_key(other_developer) == other_developer.api_key
    assert not other_developer.security_events.exists()


def test_anonymous_cannot_renew(client, developer):
    response = client.post(RENEW)

    assert response.status_code == 302
    assert keys.active_api_key(developer) == developer.api_key


def test_wrong_method_is_refused(developer_client, developer):
    assert developer_client.put(RENEW).status_code == 405
    assert keys.active_api_key(developer) == developer.api_key


def test_renewing_a_live_key_is_recorded_with_its_environment(developer):
    old, _ = keys.issue_api_key(developer, environment=Environment.LIVE)

    new, plaintext = services.renew_api_key(developer, environment=Environment.LIVE)

    old.refresh_from_db()
    assert not old.is_active and new.is_active and new.plaintext == plaintext
    assert keys.active_api_key(developer) == developer.api_key  # sandbox untouched
    event = developer.security_events.get(kind=SecurityEvent.Kind.API_KEY_RENEWED)
    assert event.detail == f"live: …{old.last4} retired, …{new.last4} issued"
