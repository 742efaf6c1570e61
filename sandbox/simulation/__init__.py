"""The sandbox's behaviour per API: triggers (reference §9), then the API's own rule.

Rules run inside the call's database transaction (sandbox.services.complete_call) and
write their effects (transactions, mandates, sessions) there. The APIs in PLANNED are
decided before it: payments only insert one new row (returned unsaved in
Outcome.unsaved), queries only read; the write transaction then holds nothing but the
inserts (docs/performance.md). On PostgreSQL a reversal is decided before it as well
(PLANNED_IF_WRITTEN_AT_ONCE), and its one statement re-checks what it read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

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


# Same outcomes as RULES, decided without writing: the row to insert, if any, comes back
# unsaved in Outcome.unsaved (a failure trigger's Failed row included).
PLANNED: dict[str, Callable[[GatewayCall], Outcome]] = {
    "c2bPayment": transactions.planned_payment,
    "b2cPayment": transactions.planned_payment,
    "b2bPayment": transactions.planned_payment,
    "c2bMultiStage": transactions.planned_reserve,
    "queryTransactionStatus": transactions.query_transaction_status,
    "queryBeneficiaryName": other.query_beneficiary_name,
    "queryDirectDebit": direct_debit.query,
}


# Reversal, decided on an unlocked read of the transaction it names: planned only where
# the gateway writes it in one statement that takes the amount from the original only if
# it is still there (sandbox.services: on PostgreSQL, not in asynchronous mode). Its rule
# may decline (None): the success trigger's synthetic reversal is written by RULES.
PLANNED_IF_WRITTEN_AT_ONCE: dict[str, Callable[[GatewayCall], Outcome | None]] = {
    "reversal": transactions.planned_reversal,
}


def simulate(call: GatewayCall) -> Outcome:
    """The outcome of `call`: a failing trigger wins; successful triggers only add
    their output fields (e.g. a mandate status) to the API's own rule."""
    return _run(call, RULES[call.api.slug], planned=False)


def plan(call: GatewayCall, *, at_once: bool = False) -> Outcome | None:
    """The outcome `simulate` would give, with nothing written (see PLANNED); None for
    an API whose rule must run inside the write transaction. `at_once`: the caller
    writes a planned reversal in one statement (see PLANNED_IF_WRITTEN_AT_ONCE)."""
    rule: Callable[[GatewayCall], Outcome | None] | None = PLANNED.get(call.api.slug)
    if rule is None and at_once:
        rule = PLANNED_IF_WRITTEN_AT_ONCE.get(call.api.slug)
    return None if rule is None else _run(call, rule, planned=True)


_O = TypeVar("_O", bound=Outcome | None)


def _run(call: GatewayCall, rule: Callable[[GatewayCall], _O], *, planned: bool) -> Outcome | _O:
    for trigger in call.api.triggers:
        if call.params.get(trigger.field) != trigger.value:
            continue
        if trigger.code not in SUCCESS_CODES:
            outcome = failure(call, trigger.code)
            # A payment refused by a trigger is recorded as Failed, so that Query
            # Transaction Status resolves it (a timeout included; docs/gateway.md).
            if call.api.slug in transactions.FAILED_IS_RECORDED:
                if planned:
                    outcome.unsaved = transactions.failed_transaction(call)
                else:
                    transactions.record_failed(call)
            return outcome
        call.trigger_outputs.update(trigger.outputs)
        call.triggered.add(trigger.field)
    return rule(call)


__all__ = ["GatewayCall", "Outcome", "plan", "simulate"]
