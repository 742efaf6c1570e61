"""Bugs the fuzzing found, each pinned by the smallest request that showed it."""

from __future__ import annotations

import json

import pytest

from catalog import MARKETS, get_api
from sandbox.models import ApiCall

pytestmark = pytest.mark.django_db

C2B = get_api("c2bPayment")


def _c2b_body(**changes) -> bytes:
    return json.dumps({**C2B.sample_request(MARKETS["vodafoneGHA"]), **changes}).encode()


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\x00", "a\x00b"])
def test_unstorable_text_in_the_body_is_refused_and_logged(gateway, text):
    """A lone surrogate (JSON "\\ud800") crashed the call-log insert (500 INS-1 on any
    database, the call unlogged); NUL does the same on PostgreSQL. Both are read as
    U+FFFD: the regex refuses the value and the call is logged."""
    raw = _c2b_body(input_ThirdPartyConversationID=text, input_Note=text)
    answer = gateway.send("POST", "vodafoneGHA", C2B.path, raw)
    assert (answer.status, answer.code) == (400, "INS-28"), answer.data
    logged = ApiCall.objects.get()
    assert logged.result_code == "INS-28"
    assert "\ufffd" in logged.request_body["input_ThirdPartyConversationID"]
    assert (
        answer.data["output_ThirdPartyConversationID"]
        == (logged.request_body["input_ThirdPartyConversationID"])
    )
    assert "\x00" not in json.dumps(logged.request_body)


def test_unstorable_key_and_query_value_are_read_as_replacement_characters(gateway):
    raw = _c2b_body(**{"input_\ud800": "x"})
    answer = gateway.send("POST", "vodafoneGHA", C2B.path, raw, query="input_Q=a%00b")
    assert answer.status == 201, answer.data
    assert not any(k.startswith("input_") for k in answer.data)  # answers echo nothing
    logged = ApiCall.objects.get().request_body
    assert logged["input_\ufffd"] == "x"
    assert logged["input_Q"] == "a\ufffdb"


def test_over_a_thousand_query_fields_are_refused_and_logged(gateway, settings):
    """1,001 fields (Django's DATA_UPLOAD_MAX_NUMBER_FIELDS) raised TooManyFieldsSent out
    of request.GET: 500 INS-1, unlogged. Now a logged 400 INS-21."""
    fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    answer = gateway.send(
        "POST", "vodafoneGHA", C2B.path, _c2b_body(), query="&".join(["a"] * fields)
    )
    assert (answer.status, answer.code) == (400, "INS-21"), answer.data
    assert answer.data["output_ResponseDesc"] == "Parameter validations failed. Please try again."
    assert ApiCall.objects.get().result_code == "INS-21"
