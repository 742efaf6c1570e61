"""The gateway's writes: one database transaction per authenticated call.

`complete_call` is the last step of every authenticated call (sandbox.views): it runs
the simulation (whose effects are written in the transaction), writes the call log
that reports read, and builds the answer. Effects and log commit together or not at all.
"""

from __future__ import annotations

import time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from callbacks.outbox import defer_result
from callbacks.payloads import acknowledgement
from sandbox import envelope, limits
from sandbox.calllog import bounded_headers, bounded_request
from sandbox.models import ApiCall
from sandbox.simulation import GatewayCall, Outcome, simulate
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

    Everything happens in ONE transaction: a call is in the log if and only if its
    effects (transaction, mandate, session rows) are in the database.

    Asynchronous mode (DESIGN.md): when the developer has an Asynchronous Response URL
    (`call.api_key.application.async_response_url`) and the API supports it, this is
    where the result goes to the callback outbox (written in this same transaction) and
    the answer becomes the acknowledgement instead of the result; see the marked spot.
    """
    with transaction.atomic():
        # The application's limits count earlier payments: checked in this transaction,
        # so the count and the new payment are one unit (sandbox.limits). A refusal is
        # answered at once, never deferred to the callback.
        refused = refused or limits.refusal(call)
        outcome = refused or simulate(call)
        body = response_body(call, outcome)
        status = call.api.result(outcome.code).http_status
        # Asynchronous mode (docs/callbacks.md): an accepted call (not refused by
        # validation) is answered with the acknowledgement; its result goes to the
        # callback outbox in this same transaction. The log keeps the result (reports
        # count outcomes) and is_async records that the answer was the acknowledgement.
        application = call.api_key.application
        deferred = refused is None and call.api.supports_async and application.async_response_url
        answer = body
        if deferred:
            # The acknowledgement carries the result's ConversationID; a result without
            # one gets the call's, so the log, the answer and the callback agree.
            if not body.get("output_ConversationID"):
                body = {**body, "output_ConversationID": call.conversation_id}
            answer = acknowledgement(call.api, body)[0]
        api_call = log_call(
            call,
            outcome=outcome,
            body=body,
            status=status,
            is_async=bool(deferred),
            answer_headers=envelope.answer_headers(answer),
        )
        if deferred:
            body, status = defer_result(
                user=call.user,
                api=call.api,
                result=body,
                api_call=api_call,
                application=application,
            )
    return body, status


def log_call(
    call: GatewayCall,
    *,
    outcome: Outcome | None,
    body: dict[str, str],
    status: int,
    is_async: bool = False,
    answer_headers: dict[str, str] | None = None,
) -> ApiCall:
    """Write the call-log row of `call` (reports read these rows). `answer_headers` are
    those of the answer sent (the acknowledgement in asynchronous mode)."""
    amount = outcome.amount if outcome and outcome.amount is not None else None
    if amount is None:
        amount = _amount_in(call.params)
    row = ApiCall.build(
        api_key=call.api_key,
        operation=call.api.slug,
        market=call.market.slug,
        method=call.method,
        path=call.path,
        request_body=bounded_request(call.api, call.echo),
        response_body=body,
        request_headers=bounded_headers(call.headers),
        response_headers=answer_headers,
        http_status=status,
        latency_ms=(time.perf_counter() - call.started) * 1000,
        is_async=is_async,
        amount=amount,
        msisdn=(outcome.msisdn if outcome and outcome.msisdn else "")
        or call.get("input_CustomerMSISDN"),
        third_party_conversation_id=call.get("input_ThirdPartyConversationID"),
    )
    row.save(force_insert=True)
    return row


def _amount_in(params: dict[str, str]) -> Decimal | None:
    value = params.get("input_Amount") or params.get("input_ReversalAmount")
    amount = amount_of(value)
    if amount is None or abs(amount) >= Decimal("1e12"):
        return None
    return amount


def within_rate_limit(api_key_pk: int) -> bool:
    """Per-key fixed one-minute window in the shared cache (every web process counts
    into the same counter when the cache is Redis)."""
    window = int(time.time() // 60)
    key = f"sandbox:rate:{api_key_pk}:{window}"
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=120)
            count = 1
    return count <= settings.SANDBOX_RATE_LIMIT_PER_MINUTE
