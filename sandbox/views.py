"""The sandbox gateway's HTTP surface: /sandbox/ipg/v2/<market>/<operation>/.

Every answer is the M-Pesa JSON envelope (sandbox.envelope), errors and 404/405
included. The pipeline: route (market, API, method) -> bearer -> rate limit -> the application's
settings (sandbox.policy) -> parse and validate from the catalogue ->
sandbox.services.complete_call (limits, simulation, effects and call log in one
transaction).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from catalog import ResultCode, common, find_operation, get_market
from catalog.openapi import openapi_document
from sandbox import auth, policy, services
from sandbox.envelope import envelope, json_response
from sandbox.simulation import GatewayCall, Outcome
from sandbox.simulation.base import conversation_outputs, failure
from sandbox.validation import MalformedRequest, NotJsonBody, canonical, read_params, validate

logger = logging.getLogger("sandbox.gateway")


@csrf_exempt
def gateway(request: HttpRequest, market: str, operation: str) -> HttpResponse:
    started = time.perf_counter()
    try:
        return _serve(request, market, operation, started)
    except Exception:
        # portalsdk json-parses every body: even a bug answers in the envelope.
        logger.exception("gateway error on %s %s", request.method, request.path)
        return envelope(common.INTERNAL_ERROR)


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    return envelope(common.NOT_FOUND)


def openapi_json(request: HttpRequest) -> HttpResponse:
    base = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    return json_response(openapi_document(f"{base.rstrip('/')}/sandbox"), 200)


def _serve(request: HttpRequest, market_slug: str, operation: str, started: float) -> HttpResponse:
    market = get_market(market_slug)
    if market is None:
        return envelope(common.INVALID_MARKET)
    api = find_operation(operation)
    if api is None:
        return envelope(common.NOT_FOUND)
    if request.method not in api.accepted_methods:
        response = envelope(common.METHOD_NOT_ALLOWED)
        response["Allow"] = ", ".join(api.accepted_methods)
        return response
    if market.slug not in api.markets:
        return envelope(common.API_NOT_IN_MARKET)
    if refusal := _body_refusal(request):
        return envelope(refusal)
    try:
        credential = auth.authenticate(
            request.headers.get("Authorization"), client=lambda: auth.client_address(request)
        )
    except auth.BearerError:
        # One answer per API family whatever the reason (no oracle): getSession's
        # documented failure, the uniform INS-2 for every other call (docs/gateway.md).
        if api.slug == "getSession":
            return envelope(common.SESSION_CREATION_FAILED)
        return envelope(common.UNAUTHORIZED)
    if not services.within_rate_limit(credential.api_key.pk):
        return envelope(common.RATE_LIMITED)
    call = GatewayCall(
        credential,
        api,
        market,
        request.method,
        request.path,
        {},
        {},
        started,
        headers=request.headers,
    )
    body, status = services.complete_call(call, refused=_prepare(call, request))
    return json_response(body, status)


# Refused from the Content-Length alone, before the bearer's RSA work and before a byte
# of the body is read; not logged (no authenticated call yet). A body sent without a
# Content-Length (chunked) is never read under WSGI: Django sees an empty body.
BODY_TOO_LARGE = ResultCode("INS-21", "Request body too large. Please try again.", 413)


def _body_refusal(request: HttpRequest) -> ResultCode | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return common.MALFORMED_JSON
    if length < 0:
        return common.MALFORMED_JSON
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return BODY_TOO_LARGE if limit is not None and length > limit else None


def _prepare(call: GatewayCall, request: HttpRequest) -> Outcome | None:
    """Fill call.params and call.echo; the refusal outcome when the application's
    settings (sandbox.policy) or validation refuse the request."""
    refused = policy.refusal(call, request)
    if call.api.slug == "getSession":
        # Stray parameters and bodies are ignored (portalsdk leaks them, §7).
        return Outcome(refused.code, description=refused.description) if refused else None
    strict = call.credential.application.strict_mode
    try:
        raw = read_params(request, strict=strict and refused is None)
    except NotJsonBody:
        return Outcome("INS-21", description=common.STRICT_JSON_REQUIRED)
    except (MalformedRequest, RequestDataTooBig):
        raw = None
        malformed = Outcome("INS-21", description=common.MALFORMED_JSON.description)
    except TooManyFieldsSent:  # over DATA_UPLOAD_MAX_NUMBER_FIELDS in the query string
        raw, malformed = None, Outcome("INS-21")
    if raw is None:
        return Outcome(refused.code, description=refused.description) if refused else malformed
    call.echo = raw  # what was sent: logged (bounded, sandbox.calllog), never answered
    call.params = canonical(call.api, raw)
    if refused:
        # After reading the parameters, so the answer carries the caller's
        # ThirdPartyConversationID like every other refusal.
        return Outcome(refused.code, conversation_outputs(call), description=refused.description)
    invalid = validate(call.api, call.market, call.params)
    return failure(call, invalid.code) if invalid else None
