"""Send test callback (docs/callbacks.md): a signed sample result of a chosen API and
result code, written to the real outbox (marked `is_test`) for one application, so it
is delivered, retried, fault-injected and logged exactly like the result of a call."""

from __future__ import annotations

import secrets
from uuid import uuid4

from django.db import transaction
from django.utils.translation import gettext as _

from callbacks import outbox
from callbacks.delivery import listener_connected
from callbacks.models import CallbackDelivery
from catalog import all_apis, get_api


class TestCallbackRefused(Exception):
    pass


def test_apis() -> list:
    """The APIs whose results can be called back (every one that supports async mode)."""
    return [api for api in all_apis() if api.supports_async]


def sample_result(api, code: str) -> dict[str, str]:
    """A sample synchronous result of `api` answering `code`, as the gateway would."""
    result_code = api.result(code)  # KeyError for a code the API does not list
    result = {
        "output_ResponseCode": result_code.code,
        "output_ResponseDesc": result_code.description,
        "output_ConversationID": uuid4().hex,
        "output_ThirdPartyConversationID": "test" + secrets.token_hex(14),
    }
    if result_code.is_success:
        transaction_id = "TEST" + secrets.token_hex(4).upper()
        result["output_TransactionID"] = transaction_id
        result["output_OriginalTransactionID"] = transaction_id
    return result


def send_test_callback(application, *, api_slug: str, code: str) -> CallbackDelivery:
    """Write a test callback for `application` and enqueue it (after commit).

    Raises TestCallbackRefused when the API is unknown or cannot call back, the code is
    not one of its catalogue codes, or the application has nowhere to deliver to.
    """
    api = get_api(api_slug)
    if api is None or not api.supports_async:
        raise TestCallbackRefused(_("Choose an API that supports asynchronous mode."))
    try:
        result = sample_result(api, code)
    except KeyError:
        raise TestCallbackRefused(
            _("%(name)s has no result code %(code)s.") % {"name": api.name, "code": code}
        ) from None
    if not application.async_response_url and not listener_connected(application.pk):
        raise TestCallbackRefused(
            _(
                "Set this application's Asynchronous Response URL first: callbacks go there "
                "(or to a connected `listen` process)."
            )
        )
    with transaction.atomic():
        outbox.defer_result(
            user=application.user,
            api=api,
            result=result,
            application=application,
            is_test=True,
        )
        return CallbackDelivery.objects.filter(application=application, is_test=True).latest(
            "created_at", "pk"
        )
