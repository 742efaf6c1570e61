"""Payload shaping: the callback body of an API (§6.1) and the immediate acknowledgement
of an asynchronous call (§6), both filled from the call's synchronous result."""

from __future__ import annotations

from typing import Any

# §6.1, "C2B, B2C, B2B, Reversal, DD Payment": used when a catalogue entry lists no
# callback fields of its own.
DEFAULT_CALLBACK_FIELDS = (
    "input_OriginalConversationID",
    "input_TransactionID",
    "input_ResultCode",
    "input_ResultDesc",
    "input_ThirdPartyConversationID",
)
# §6: the immediate reply carries these four and no TransactionID.
DEFAULT_ACK_FIELDS = (
    "output_ResponseCode",
    "output_ResponseDesc",
    "output_ConversationID",
    "output_ThirdPartyConversationID",
)
ACCEPTED_CODE = "INS-0"
ACCEPTED_DESC = "Request processed successfully"

# Callback field -> the sync result field it is filled from, where the names differ.
# Every other `input_X` is filled from `output_X`.
_RESULT_SOURCES = {
    "input_OriginalConversationID": ("output_ConversationID",),
    "input_ResultCode": ("output_ResponseCode",),
    "input_ResultDesc": ("output_ResponseDesc",),
    # Query Direct Debit's callback says ResponseCode/Desc (§6.1).
    "input_ResponseCode": ("output_ResponseCode",),
    "input_ResponseDesc": ("output_ResponseDesc",),
    # Query Transaction Status answers with OriginalTransactionID only.
    "input_TransactionID": ("output_TransactionID", "output_OriginalTransactionID"),
}


def callback_payload(api, result: dict[str, Any]) -> dict[str, str]:
    """The callback body of `api` (§6.1) filled from the sync result of the call."""
    names = [f.name for f in getattr(api, "callback_fields", ())] or list(DEFAULT_CALLBACK_FIELDS)
    payload: dict[str, str] = {}
    for name in names:
        sources = _RESULT_SOURCES.get(name, ("output_" + name.removeprefix("input_"),))
        value = next((result[s] for s in sources if result.get(s) not in (None, "")), "")
        payload[name] = str(value)
    return payload


def acknowledgement(api, result: dict[str, Any]) -> tuple[dict[str, str], int]:
    """The immediate reply in asynchronous mode (§6) and its HTTP status.

    The reference does not state the status (§13.3): we answer with the API's own
    success status (201 for payments, 200 for queries), because the request was
    accepted; the outcome, success or not, arrives in the callback.
    """
    names = [f.name for f in getattr(api, "response_fields", ()) if f.in_async_ack]
    names = names or list(DEFAULT_ACK_FIELDS)
    ack = {name: str(result.get(name, "")) for name in names}
    ack["output_ResponseCode"] = ACCEPTED_CODE
    ack["output_ResponseDesc"] = ACCEPTED_DESC
    return ack, api.success_status
