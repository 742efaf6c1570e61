"""The Applications page: the developer's applications, their current key (last 4),
mode and lock state; linked from the navigation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts import keys, services
from accounts.models import Application
from tests.factories import set_async_url

pytestmark = pytest.mark.django_db

LIST = "/applications/"


def test_lists_the_developers_applications_with_key_mode_and_lock(developer_client, developer):
    set_async_url(developer, "https://example.com/results")
    payout, _ = services.create_application(developer, name="Payout service")
    Application.objects.filter(pk=payout.pk).update(locked_at=timezone.now())
    payout_key = keys.active_api_key(developer, application=payout)

    response = developer_client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Default" in html and "Payout service" in html
    assert f"…{developer.api_key.last4}" in html and f"…{payout_key.last4}" in html
    assert "Asynchronous" in html and "Synchronous" in html
    assert "Locked" in html
    assert f"/applications/{payout.public_id}/" in html
    # The plaintext of a key never appears in a page's GET HTML.
    assert developer.api_key_plaintext not in html
    assert "New application" in html


def test_another_developers_applications_are_not_listed(developer_client, other_developer):
    services.create_application(other_developer, name="Their secret shop")

    html = developer_client.get(LIST).content.decode()

    assert "Their secret shop" not in html


def test_the_navigation_and_my_profile_link_to_applications(developer_client):
    html = developer_client.get("/profile/").content.decode()

    assert '<a href="/applications/">Applications</a>' in html
    assert 'id="applications-line"' in html


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/applications/")


def test_wrong_method_is_405(developer_client):
    assert developer_client.post(LIST).status_code == 405


def test_my_profile_shows_the_default_applications_key_only(developer_client, developer):
    payout, _ = services.create_application(developer, name="Payout service")
    payout_key = keys.active_api_key(developer, application=payout)

    html = developer_client.get("/profile/").content.decode()

    assert f"…{developer.api_key.last4}" in html
    assert f"…{payout_key.last4}" not in html
