"""The home page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_explains_the_portal_and_leads_to_registration(client):
    response = client.get(reverse("dashboard:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Build M-Pesa payments into your app" in html
    assert reverse("account_signup") in html
    for link in (">Docs<", ">Reports<", ">Sign in<"):
        assert link in html


def test_home_for_signed_in_developer_links_profile_and_sign_out(developer_client):
    html = developer_client.get(reverse("dashboard:home")).content.decode()

    assert "My Profile" in html
    assert "Sign out" in html
    assert "Register for a developer account" not in html


def test_home_refuses_post(client):
    assert client.post(reverse("dashboard:home")).status_code == 405
