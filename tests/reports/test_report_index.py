"""GET /reports/: the form (the key with the latest sandbox call selected by default, else
the active key; retired keys listed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import services

URL = reverse("reports:index")


def test_anonymous_is_sent_to_sign_in(anonymous_client, db):
    response = anonymous_client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_form_selects_the_active_key_and_lists_retired_keys_with_periods(client, developer):
    old_key = developer.api_key
    new_key, _ = services.renew_api_key(developer)
    old_key.refresh_from_db()
    client.force_login(developer)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{new_key.public_id}" selected>' in html
    assert f"…{new_key.last4}, active since {new_key.created_at:%Y-%m-%d}" in html
    assert (
        f"…{old_key.last4}, retired, in use {old_key.created_at:%Y-%m-%d} "
        f"to {old_key.retired_at:%Y-%m-%d}"
    ) in html
    assert '<label for="id_range">Date range</label>' in html
    assert "Generate report" in html


def test_form_selects_the_key_with_the_most_recent_sandbox_call(client, developer, make_call):
    """After a renewal (or Go Live) the current key has no call yet: the report would be
    empty, so the key the developer last called with is selected instead."""
    old_key = developer.api_key
    make_call(old_key)
    new_key, _ = services.renew_api_key(developer)
    client.force_login(developer)

    html = client.get(URL).content.decode()

    assert f'<option value="{old_key.public_id}" selected>' in html
    assert f'<option value="{new_key.public_id}" selected>' not in html

    make_call(new_key)
    html = client.get(URL).content.decode()
    assert f'<option value="{new_key.public_id}" selected>' in html


def test_another_developers_keys_are_not_offered(client, developer, other_developer):
    client.force_login(developer)
    html = client.get(URL).content.decode()
    assert str(other_developer.api_key.public_id) not in html


@pytest.mark.django_db
def test_wrong_method_is_refused(developer_client):
    assert developer_client.post(URL).status_code == 405
