"""/.well-known/security.txt (RFC 9116): Contact from SECURITY_CONTACT, Expires under a
year ahead, Preferred-Languages and Canonical, as plain text to anyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import DeveloperFactory

pytestmark = pytest.mark.django_db

URL = "/.well-known/security.txt"


def _fields(response) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for line in response.content.decode().splitlines():
        name, _, value = line.partition(": ")
        fields.setdefault(name, []).append(value)
    return fields


def test_security_txt_has_the_rfc_9116_fields(client, settings):
    settings.SECURITY_CONTACT = ["mailto:security@portal.example.com", "https://example.com/r"]

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = _fields(response)
    assert fields["Contact"] == ["mailto:security@portal.example.com", "https://example.com/r"]
    assert fields["Preferred-Languages"] == ["en"]
    assert fields["Canonical"] == ["http://testserver/.well-known/security.txt"]
    expires = datetime.strptime(fields["Expires"][0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now + timedelta(days=30) < expires < now + timedelta(days=365)
    assert set(fields) == {"Contact", "Expires", "Preferred-Languages", "Canonical"}


def test_security_txt_is_open_to_a_developer_before_the_phone_step(client):
    newcomer = DeveloperFactory(username="newcomer", phone_confirmed_at=None)
    assert not newcomer.has_confirmed_phone
    client.force_login(newcomer)
    assert client.get("/reports/").status_code == 302  # the phone step comes first

    response = client.get(URL)

    assert response.status_code == 200
    assert response.content.startswith(b"Contact: ")


def test_security_txt_refuses_other_methods(client):
    assert client.post(URL).status_code == 405
