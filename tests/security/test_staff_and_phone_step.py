"""Issue 18, findings 11 and 12: the phone step's exemption for the gateway does not open
the Callbacks pages; staff (who skip the phone step) get no API key, and the gateway
refuses any key a staff account holds."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts import keys
from accounts.models import ApiKey, User
from tests.factories import UserFactory
from tests.reports.conftest import bearer_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_phone_client():
    user = UserFactory(username="nophone")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path", ["/sandbox/callbacks/", "/sandbox/callbacks/signing-secret/rotate/"]
)
def test_callbacks_pages_wait_for_the_phone_like_every_page(no_phone_client, path):
    response = no_phone_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/profile/phone/"


def test_the_gateway_stays_open_without_a_phone(no_phone_client):
    # Bearer-authenticated, answered in the envelope, never a redirect to the phone step.
    response = no_phone_client.get("/sandbox/openapi.json")
    assert response.status_code == 200


def test_staff_cannot_issue_themselves_a_key(client, staff_reviewer):
    client.force_login(staff_reviewer)

    assert client.get("/profile/api-key/renew/").status_code == 403
    assert client.post("/profile/api-key/renew/").status_code == 403
    with pytest.raises(keys.StaffKeyError):
        keys.issue_api_key(staff_reviewer)
    assert not ApiKey.objects.filter(user=staff_reviewer).exists()


def test_the_gateway_refuses_the_key_of_a_developer_made_staff(developer):
    bearer = bearer_for(developer.api_key_plaintext)
    partner = Client(HTTP_AUTHORIZATION=bearer)
    assert partner.get("/reports/api/v1/keys/").status_code == 200

    User.objects.filter(pk=developer.pk).update(is_staff=True)

    assert partner.get("/reports/api/v1/keys/").status_code == 401
