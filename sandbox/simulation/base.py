"""What a simulation rule receives and returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from catalog import SUCCESS_CODES, Api, Market
from sandbox.auth import Credential
from sandbox.models import Transaction
from sandbox.models.gateway import new_conversation_id


@dataclass
class GatewayCall:
    """One authenticated call on its way through the gateway."""

    credential: Credential
    api: Api
    market: Market
    method: str
    path: str
    params: dict[str, str]  # the API's parameters, canonical names, stripped
    # Every parameter the client sent, as sent: the call log keeps it (bounded, see
    # sandbox.calllog). No answer echoes it (docs/gateway.md, "Answers").
    echo: dict[str, str]
    started: float  # time.perf_counter() when the request arrived
    conversation_id: str = field(default_factory=new_conversation_id)
    # Output fields set by a successful §9 trigger (e.g. output_Reversed "True").
    trigger_outputs: dict[str, str] = field(default_factory=dict)
    # Fields whose value matched a successful §9 trigger: the rule answers success
    # without looking for a real transaction or mandate.
    triggered: set[str] = field(default_factory=set)
    # The request's headers as received (Django's request.headers): the call log keeps
    # them without credentials (sandbox.calllog.bounded_headers).
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def user(self):
        return self.credential.user

    @property
    def api_key(self):
        return self.credential.api_key

    def get(self, name: str) -> str:
        return self.params.get(name, "")


@dataclass
class Outcome:
    """The result of a call: its code and output fields. Effects are already written."""

    code: str
    outputs: dict[str, str] = field(default_factory=dict)
    transaction: Transaction | None = None
    amount: Decimal | None = None
    msisdn: str = ""
    description: str = ""  # overrides the catalogue's description (rare: malformed JSON)
    # A planned outcome's effect, not yet written (sandbox.simulation.plan): the row the
    # gateway inserts in the call's write transaction.
    unsaved: Transaction | None = None

    @property
    def is_success(self) -> bool:
        return self.code in SUCCESS_CODES


def conversation_outputs(call: GatewayCall) -> dict[str, str]:
    """The two identifiers every transactional answer carries (reference §5)."""
    return {
        "output_ConversationID": call.conversation_id,
        "output_ThirdPartyConversationID": call.get("input_ThirdPartyConversationID"),
    }


def failure(call: GatewayCall, code: str, **outputs: str) -> Outcome:
    return Outcome(code, {**conversation_outputs(call), **outputs})
