"""getSession and Query Beneficiary Name (reference §3.3, §5.1, §5.9)."""

from __future__ import annotations

import hashlib

from sandbox.sessions import issue_session
from sandbox.simulation.base import GatewayCall, Outcome, conversation_outputs

_FIRST_NAMES = ("Jiazhen", "Ama", "Kwame", "Neema", "Thabo", "Amani", "Lerato", "Zawadi")
_LAST_NAMES = ("Wuu", "Mensah", "Owusu", "Mushi", "Mokoena", "Kabila", "Nkosi", "Cossa")


def get_session(call: GatewayCall) -> Outcome:
    """A new session for the caller's API key, issued in the URL's market, living for
    the application's session lifetime.

    A session bearer is accepted here too, outside strict mode: pypesa re-encrypts its
    session id as if it were the API key on its second getSession (§7); refusing it
    would break that client (strict mode refuses it, sandbox.policy).
    """
    session_id = issue_session(call.api_key, market=call.market.slug)
    return Outcome("INS-0", {"output_SessionID": session_id})


def query_beneficiary_name(call: GatewayCall) -> Outcome:
    """A stable made-up name per MSISDN (the documented sample for the sandbox MSISDN)."""
    msisdn = call.get("input_CustomerMSISDN")
    if msisdn == "000000000001":
        first, last = "Jiazhen", "Wuu"
    else:
        digest = hashlib.sha256(msisdn.encode()).digest()
        first = _FIRST_NAMES[digest[0] % len(_FIRST_NAMES)]
        last = _LAST_NAMES[digest[1] % len(_LAST_NAMES)]
    return Outcome(
        "INS-0",
        {
            "output_CustomerFirstName": first,
            "output_CustomerLastName": last,
            **conversation_outputs(call),
        },
        msisdn=msisdn,
    )
