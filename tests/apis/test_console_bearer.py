"""POST /docs/console/bearer/: a fresh bearer for the signed-in developer."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import keys, services
from accounts.models import ApiKey

pytestmark = pytest.mark.django_db
URL = reverse("apis:console-bearer")


def _decrypt(bearer: str) -> str:
    private_key = keys.private_key_of(keys.current_keypair())
    return private_key.decrypt(base64.b64decode(bearer), padding.PKCS1v15()).decode()


def test_bearer_is_the_api_key_encrypted_with_the_current_public_key(developer_client, developer):
    response = developer_client.post(URL)

    assert response.status_code == 200
    bearer = response.json()["bearer"]
    assert len(bearer) == 684
    assert _decrypt(bearer) == developer.api_key_plaintext
    assert response.headers["Cache-Control"].startswith("max-age=0")
    # Randomised padding: a second bearer differs but decrypts to the same key.
    second = developer_client.post(URL).json()["bearer"]
    assert second != bearer and _decrypt(second) == developer.api_key_plaintext


def test_bearer_uses_the_renewed_key(developer_client, developer):
    _, plaintext = services.renew_api_key(developer)

    bearer = developer_client.post(URL).json()["bearer"]

    assert _decrypt(bearer) == plaintext


def test_anonymous_gets_403_and_no_bearer(client):
    response = client.post(URL)
    assert response.status_code == 403
    assert "bearer" not in response.json()


def test_developer_without_active_key_gets_409(developer_client, developer):
    ApiKey.objects.filter(user=developer).update(retired_at=timezone.now())

    response = developer_client.post(URL)

    assert response.status_code == 409
    assert "bearer" not in response.json()


def test_get_is_not_allowed(developer_client):
    assert developer_client.get(URL).status_code == 405


def test_csrf_token_is_required(developer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(developer)

    assert client.post(URL).status_code == 403


def test_each_developer_gets_a_bearer_of_their_own_key(client, developer, other_developer):
    client.force_login(other_developer)

    bearer = client.post(URL).json()["bearer"]

    assert _decrypt(bearer) == other_developer.api_key_plaintext
    assert _decrypt(bearer) != developer.api_key_plaintext
