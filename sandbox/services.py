"""The gateway's writes: one database transaction per authenticated call.

`complete_call` is the last step of every authenticated call (sandbox.views): it runs
the simulation (whose effects are written in the transaction), writes the call log
that reports read, and builds the answer. Effects and log commit together or not at all.
"""

from __future__ import annotations

import time
from decimal import Decimal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections
from django.db.models import Model

from callbacks.outbox import defer_result
from callbacks.payloads import acknowledgement
from sandbox import counters, envelope, limits, rows
from sandbox.calllog import bounded_headers, bounded_request
from sandbox.models import ApiCall
from sandbox.simulation import GatewayCall, Outcome, simulate
from sandbox.simulation import plan as simulate_plan
from sandbox.simulation.transactions import Duplicate, duplicate, write_planned_reversal
from sandbox.validation import amount_of


def response_body(call: GatewayCall, outcome: Outcome) -> dict[str, str]:
    """The answer: code, description, then the API's output fields in the catalogue's
    order (the captured order where one exists, else the documented one) and nothing
    else. The real gateway echoes no `input_*` value: its captured C2B answer is five
    fields, Content-Length 252 (reference §4, §5.2). The console shows what was sent."""
    result = call.api.result(outcome.code)
    body = {
        "output_ResponseCode": result.code,
        "output_ResponseDesc": outcome.description or result.description,
    }
    outputs = outcome.outputs
    for name in call.api.output_order:
        if name in outputs:
            body[name] = outputs[name]
    body.update({k: v for k, v in outputs.items() if k not in body})
    return body


def complete_call(call: GatewayCall, *, refused: Outcome | None = None) -> tuple[dict, int]:
    """Simulate `call`, write its effects and its ApiCall row, return (body, status).

    `refused` is the outcome of a call refused before simulation (validation, malformed
    JSON, the application's settings): it is logged and answered the same way, with no
    effects. The application's limits refuse the same way (sandbox.limits).

    Everything is written in ONE transaction: a call is in the log if and only if its
    effects (transaction, mandate, session rows) are in the database.

    The transaction is kept short (docs/performance.md): a refusal, a payment and a
    query are decided, answered and their rows built before it (sandbox.simulation.plan),
    so that it holds only the inserts and the commit; the duplicate check is the unique
    constraint on the payment's dedupe key. On PostgreSQL a reversal whose result is
    answered (not deferred) is decided before it too, on an unlocked read, and written
    in one statement that takes the amount only if the original still has it
    (`_complete_reversal`). The other APIs (reversal elsewhere, two-stage update, direct
    debit, getSession) and payments counted against the application's limits run their
    rule inside it, as their outcome depends on what they read there.

    Asynchronous mode (DESIGN.md): when the developer has an Asynchronous Response URL
    (`call.api_key.application.async_response_url`) and the API supports it, this is
    where the result goes to the callback outbox (written in this same transaction) and
    the answer becomes the acknowledgement instead of the result; see `_answer`.
    """
    if refused is not None:
        return _complete_planned(call, refused, refused=True)
    # The limits that count earlier payments run inside the write transaction (the count
    # and the new payment are one unit); the single-value limit reads nothing.
    counted = limits.counts_payments(call)
    if not counted and (refused := limits.refusal(call)):
        return _complete_planned(call, refused, refused=True)
    at_once = not counted and _written_at_once(call)
    if (planned := simulate_plan(call, at_once=at_once)) is not None:
        if planned.unsaved is not None and planned.unsaved.is_reversal:
            return _complete_reversal(call, planned)
        return _complete_planned(call, planned, refused=False, counted=counted)
    return _complete_in_transaction(call)


def _complete_in_transaction(call: GatewayCall) -> tuple[dict, int]:
    """The rule runs in the write transaction, with the call log (see `complete_call`)."""
    try:
        with rows.write_transaction():
            # The application's limits count earlier payments: checked in this
            # transaction, so the count and the new payment are one unit (sandbox.limits).
            # A refusal is answered at once, never deferred to the callback.
            refused = limits.refusal(call)
            outcome = refused or simulate(call)
            body, status, deferred = _answer(call, outcome, refused=refused is not None)
            api_call = log_call(
                call_log_row(call, outcome=outcome, body=body, status=status, is_async=deferred)
            )
            if deferred:
                body, status = _defer(call, body, api_call)
    except Duplicate:  # the rule's row hit its dedupe constraint: rolled back
        return _complete_duplicate(call)
    return body, status


def _complete_planned(
    call: GatewayCall, outcome: Outcome, *, refused: bool, counted: bool = False
) -> tuple[dict, int]:
    """Write a planned outcome (its row, if any, and the call log) in one short write
    transaction; a payment the dedupe constraint refuses is answered as the duplicate.
    `counted`: the application's limits count earlier payments, in the transaction
    (a refusal there replaces the planned payment, as it comes first in `simulate`).
    Without counted limits or a deferred result, the rows are all the transaction
    holds: `log_call` writes them (on PostgreSQL in one statement that commits by
    itself), unless the caller holds a transaction (tests, scripts): a refused row must
    then roll back no more than this call's part of it."""
    body, status, deferred = _answer(call, outcome, refused=refused)
    row = call_log_row(call, outcome=outcome, body=body, status=status, is_async=deferred)
    tx = outcome.unsaved
    if not counted and not deferred and not rows.in_transaction():
        try:
            log_call(row, effects=() if tx is None else (tx,))
        except IntegrityError:
            # The payment's dedupe key (a failed payment's key is its own fresh
            # ConversationID: no repeat can hold it; the call log's only unique column
            # is a random UUID).
            if tx is None or tx.status == tx.Status.FAILED:
                raise
            return _complete_duplicate(call)
        return body, status
    try:
        with rows.write_transaction():
            if counted and (limit := limits.refusal(call)):
                tx, outcome = None, limit
                body, status, deferred = _answer(call, outcome, refused=True)
                row = call_log_row(
                    call, outcome=outcome, body=body, status=status, is_async=deferred
                )
            if tx is not None:
                try:
                    rows.insert(tx)
                except IntegrityError:
                    if tx.status == tx.Status.FAILED:
                        raise
                    raise Duplicate from None  # rolls the transaction back
            api_call = log_call(row)
            if deferred:
                body, status = _defer(call, body, api_call)
    except Duplicate:
        return _complete_duplicate(call)
    return body, status


def _written_at_once(call: GatewayCall) -> bool:
    """Whether a reversal is planned (simulation.PLANNED_IF_WRITTEN_AT_ONCE) and written
    by `_complete_reversal`: on PostgreSQL (one statement re-checks what the plan read),
    and when its result is answered, not deferred to the callback (the outbox row is
    written in the call's transaction). Elsewhere the rule locks the original in the
    write transaction."""
    return (
        call.api.slug == "reversal"
        and connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
        and not _deferred(call)
    )


def _complete_reversal(call: GatewayCall, outcome: Outcome) -> tuple[dict, int]:
    """Write a reversal planned on an unlocked read (transactions.planned_reversal): the
    original's reversed amount, the reversal's row and the call log in one statement
    that commits by itself (transactions.write_planned_reversal), unless the caller
    holds a transaction (tests, scripts): a refused row must then roll back no more
    than this call's part of it, as in `_complete_planned`. If the original changed
    since the read (another reversal took the amount, its status changed), nothing is
    written and the rule runs again in the write transaction, on the locked row. A
    concurrent identical reversal (the dedupe constraint) is answered as the
    duplicate."""
    tx = outcome.unsaved
    if tx is None:
        raise ValueError("_complete_reversal: the outcome carries no reversal")
    body, status, _ = _answer(call, outcome, refused=False)
    row = call_log_row(call, outcome=outcome, body=body, status=status)
    try:
        if rows.in_transaction():
            with rows.write_transaction():
                written = write_planned_reversal(tx, row)
        else:
            written = write_planned_reversal(tx, row)
    except IntegrityError:
        return _complete_duplicate(call)
    if not written:
        return _complete_in_transaction(call)
    return body, status


def _complete_duplicate(call: GatewayCall) -> tuple[dict, int]:
    """A concurrent or earlier identical request holds the dedupe key (its transaction
    was rolled back): what record_transaction answers inside the transaction, answered
    and logged in a transaction of its own."""
    outcome = duplicate(call)
    body, status, deferred = _answer(call, outcome, refused=False)
    row = call_log_row(call, outcome=outcome, body=body, status=status, is_async=deferred)
    with rows.write_transaction():
        api_call = log_call(row)
        if deferred:
            body, status = _defer(call, body, api_call)
    return body, status


def _answer(call: GatewayCall, outcome: Outcome, *, refused: bool) -> tuple[dict, int, bool]:
    """(body, status, deferred): the answer of `outcome`, and whether it goes to the
    callback outbox instead (docs/callbacks.md): an accepted call (not refused by
    validation or a limit) is then answered with the acknowledgement and its result goes
    to the outbox in the call's transaction. The log keeps the result (reports count
    outcomes) and is_async records that the answer was the acknowledgement."""
    body = response_body(call, outcome)
    status = call.api.result(outcome.code).http_status
    deferred = not refused and _deferred(call)
    if deferred and not body.get("output_ConversationID"):
        # The acknowledgement carries the result's ConversationID; a result without one
        # gets the call's, so the log, the answer and the callback agree.
        body = {**body, "output_ConversationID": call.conversation_id}
    return body, status, deferred


def _deferred(call: GatewayCall) -> bool:
    """Whether an accepted call's result goes to the callback outbox (see `_answer`)."""
    return call.api.supports_async and bool(call.api_key.application.async_response_url)


def _defer(call: GatewayCall, body: dict[str, str], api_call: ApiCall | None) -> tuple[dict, int]:
    return defer_result(
        user=call.user,
        api=call.api,
        result=body,
        api_call=api_call,
        application=call.api_key.application,
    )


def log_call(row: ApiCall, *, effects: tuple[Model, ...] = ()) -> ApiCall:
    """Write the call-log row of a call (reports read these rows), in its transaction,
    or in a transaction of its own outside one. `effects`: the call's rows to write
    first, all together with the log row or none (`rows.insert_all`; on PostgreSQL one
    statement)."""
    rows.insert_all([*effects, row])
    return row


def call_log_row(
    call: GatewayCall,
    *,
    outcome: Outcome | None,
    body: dict[str, str],
    status: int,
    is_async: bool = False,
) -> ApiCall:
    """The call-log row of `call`, unsaved (`log_call` writes it). It keeps the headers
    of the answer sent: the acknowledgement's in asynchronous mode (`is_async`)."""
    amount = outcome.amount if outcome and outcome.amount is not None else None
    if amount is None:
        amount = _amount_in(call.params)
    answer = acknowledgement(call.api, body)[0] if is_async else body
    return ApiCall.build(
        api_key=call.api_key,
        operation=call.api.slug,
        market=call.market.slug,
        method=call.method,
        path=call.path,
        request_body=bounded_request(call.api, call.echo),
        response_body=body,
        request_headers=bounded_headers(call.headers),
        response_headers=envelope.answer_headers(answer),
        http_status=status,
        latency_ms=(time.perf_counter() - call.started) * 1000,
        is_async=is_async,
        amount=amount,
        msisdn=(outcome.msisdn if outcome and outcome.msisdn else "")
        or call.get("input_CustomerMSISDN"),
        third_party_conversation_id=call.get("input_ThirdPartyConversationID"),
    )


def _amount_in(params: dict[str, str]) -> Decimal | None:
    value = params.get("input_Amount") or params.get("input_ReversalAmount")
    amount = amount_of(value)
    if amount is None or abs(amount) >= Decimal("1e12"):
        return None
    return amount


def within_rate_limit(api_key_pk: int) -> bool:
    """Per-key fixed one-minute window in the shared cache (every web process counts
    into the same counter when the cache is Redis): one round trip a call there."""
    window = int(time.time() // 60)
    count = counters.count(f"sandbox:rate:{api_key_pk}:{window}", timeout=120)
    return count <= settings.SANDBOX_RATE_LIMIT_PER_MINUTE
