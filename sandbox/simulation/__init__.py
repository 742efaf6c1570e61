"""The sandbox's behaviour per API: triggers (reference §9), then the API's own rule.

Rules run inside the call's database transaction (sandbox.services.complete_call) and
write their effects (transactions, mandates, sessions) there.
"""

from __future__ import annotations

from collections.abc import Callable

from catalog import SUCCESS_CODES
from sandbox.simulation import direct_debit, other, transactions
from sandbox.simulation.base import GatewayCall, Outcome, failure

RULES: dict[str, Callable[[GatewayCall], Outcome]] = {
    "getSession": other.get_session,
    "c2bPayment": transactions.payment,
    "b2cPayment": transactions.payment,
    "b2bPayment": transactions.payment,
    "reversal": transactions.reversal,
    "queryTransactionStatus": transactions.query_transaction_status,
    "directDebitCreation": direct_debit.create,
    "directDebitPayment": direct_debit.payment,
    "queryDirectDebit": direct_debit.query,
    "directDebitCancel": direct_debit.cancel,
    "queryBeneficiaryName": other.query_beneficiary_name,
    "c2bMultiStage": transactions.reserve,
    "updateTransactionStatus": transactions.update_status,
}


def simulate(call: GatewayCall) -> Outcome:
    """The outcome of `call`: a failing trigger wins; successful triggers only add
    their output fields (e.g. a mandate status) to the API's own rule."""
    for trigger in call.api.triggers:
        if call.params.get(trigger.field) != trigger.value:
            continue
        if trigger.code not in SUCCESS_CODES:
            # A payment refused by a trigger is recorded as Failed, so that Query
            # Transaction Status resolves it (a timeout included; docs/gateway.md).
            if call.api.slug in transactions.FAILED_IS_RECORDED:
                transactions.record_failed(call)
            return failure(call, trigger.code)
        call.trigger_outputs.update(trigger.outputs)
        call.triggered.add(trigger.field)
    return RULES[call.api.slug](call)


__all__ = ["GatewayCall", "Outcome", "simulate"]
