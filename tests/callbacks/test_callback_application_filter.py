"""The Callbacks page's application filter (CallbackDelivery.application)."""

from __future__ import annotations

from django.utils import timezone

from accounts.keys import default_application
from accounts.models import Application
from callbacks.models import CallbackDelivery

LIST = "/sandbox/callbacks/"


def make_delivery(user, *, conversation_id, application=None):
    return CallbackDelivery.objects.create(
        user=user,
        application=application or default_application(user),
        operation="c2bPayment",
        conversation_id=conversation_id,
        url="http://127.0.0.1:9/cb",
        payload={"input_ResultCode": "INS-0"},
        max_attempts=8,
        next_attempt_at=timezone.now(),
    )


def test_list_filters_by_application(developer_client, developer):
    shop = Application.objects.create(user=developer, name="Shop")
    make_delivery(developer, conversation_id="default1")
    make_delivery(developer, conversation_id="shop1", application=shop)
    default = default_application(developer)

    shop_page = developer_client.get(LIST, {"application": shop.public_id}).content.decode()
    default_page = developer_client.get(LIST, {"application": default.public_id}).content.decode()
    every = developer_client.get(LIST).content.decode()

    assert "shop1" in shop_page and "default1" not in shop_page
    assert "default1" in default_page and "shop1" not in default_page
    assert "shop1" in every and "default1" in every
    assert 'for="id_application">Application</label>' in every
    assert '<option value="" selected>All applications</option>' in every


def test_another_developers_application_is_an_invalid_choice(
    developer_client, developer, other_developer
):
    make_delivery(developer, conversation_id="mine1")
    theirs = default_application(other_developer)
    make_delivery(other_developer, conversation_id="theirs1")

    response = developer_client.get(LIST, {"application": theirs.public_id})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_application_error"' in html
    assert "theirs1" not in html
