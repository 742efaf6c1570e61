"""New application: a name unique per developer, its own key, at most
Application.MAX_PER_USER per developer."""

from __future__ import annotations

import pytest

from accounts import keys, services
from accounts.models import ApiKey, Application

pytestmark = pytest.mark.django_db

CREATE = "/applications/new/"


def test_creates_an_application_with_its_own_key_and_shows_it_once(developer_client, developer):
    response = developer_client.post(
        CREATE, {"name": "Payout service", "version": "2.1", "description": "Salaries"}
    )

    application = Application.objects.get(user=developer, name="Payout service")
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.public_id}/"
    assert (application.version, application.description) == ("2.1", "Salaries")
    assert not application.is_default and not application.is_locked
    assert application.session_lifetime_seconds == 3600
    key = keys.active_api_key(developer, application=application)
    assert key is not None and key.pk != developer.api_key.pk
    # The new key is revealed on the next rendering only.
    first = developer_client.get(response["Location"]).content.decode()
    assert key.plaintext in first
    again = developer_client.get(response["Location"]).content.decode()
    assert key.plaintext not in again and key.last4 in again
    # My Profile's key is still the Default application's.
    assert keys.active_api_key(developer) == developer.api_key


def test_the_form_page_renders(developer_client):
    response = developer_client.get(CREATE)

    assert response.status_code == 200
    assert 'for="id_name"' in response.content.decode()


def test_a_name_already_used_by_the_developer_is_refused(developer_client, developer):
    services.create_application(developer, name="Shop")

    response = developer_client.post(CREATE, {"name": "shop"})

    assert response.status_code == 200
    assert "You already have an application with this name." in response.content.decode()
    assert Application.objects.filter(user=developer).count() == 2  # Default and Shop


def test_another_developer_may_use_the_same_name(developer_client, developer, other_developer):
    services.create_application(other_developer, name="Shop")

    response = developer_client.post(CREATE, {"name": "Shop"})

    assert response.status_code == 302
    assert Application.objects.filter(name="Shop").count() == 2


def test_an_empty_name_is_refused(developer_client, developer):
    response = developer_client.post(CREATE, {"name": "  "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Application.objects.filter(user=developer).count() == 1


def test_the_cap_is_refused_with_a_clear_message(developer_client, developer):
    for number in range(Application.MAX_PER_USER - 1):  # the Default one exists
        services.create_application(developer, name=f"App {number}")
    keys_before = ApiKey.objects.filter(user=developer).count()

    response = developer_client.post(CREATE, {"name": "One too many"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f"You have {Application.MAX_PER_USER} applications, the most" in html
    assert Application.objects.filter(user=developer).count() == Application.MAX_PER_USER
    assert ApiKey.objects.filter(user=developer).count() == keys_before
    listing = developer_client.get("/applications/").content.decode()
    assert "the most an account may have" in listing and "New application" not in listing


def test_anonymous_is_sent_to_sign_in(client):
    response = client.post(CREATE, {"name": "Nope"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Application.objects.filter(name="Nope").exists()


def test_wrong_method_is_405(developer_client):
    assert developer_client.put(CREATE).status_code == 405
