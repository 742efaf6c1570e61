"""Edge middleware of the operations app: the request id, and the gateway's metrics."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from catalog import common, find_operation, get_market
from telemetry import context, metrics

REQUEST_ID_HEADER = "X-Request-ID"
GATEWAY_PREFIX = "/sandbox/ipg/"


class RequestIdMiddleware:
    """Gives each request an id, made here or taken from a trusted proxy's X-Request-ID
    (only when TRUSTED_PROXY_COUNT > 0: a client could forge it otherwise), keeps it in
    a contextvar for the log lines and Celery tasks, and returns it in X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER)
        trusted = settings.ALLAUTH_TRUSTED_PROXY_COUNT > 0 and context.acceptable(incoming)
        request_id = incoming if trusted and incoming else context.new_request_id()
        token = context.request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class GatewayMetricsMiddleware:
    """Counts gateway calls by market, API and result code, and times them.

    Outside the gateway's own code (its views change often), at the cost of reading the
    small JSON envelope back. Unknown market and API slugs count as "unknown", so a
    client cannot create series.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(GATEWAY_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        kwargs = request.resolver_match.kwargs if request.resolver_match else {}
        market = get_market(kwargs.get("market", ""))
        api = find_operation(kwargs.get("operation", ""))
        api_label = api.slug if api else "unknown"
        code = _result_code(response)
        metrics.GATEWAY_CALLS.labels(
            market=market.slug if market else "unknown", api=api_label, code=code
        ).inc()
        metrics.GATEWAY_LATENCY.labels(api=api_label).observe(elapsed)
        if code == common.RATE_LIMITED.code:
            metrics.GATEWAY_RATE_LIMITED.inc()
        return response


def _result_code(response: HttpResponse) -> str:
    """output_ResponseCode of the envelope; the codes come from the catalogue."""
    if getattr(response, "streaming", False):
        return "unknown"
    try:
        code = json.loads(response.content).get("output_ResponseCode")
    except (ValueError, AttributeError):
        return "unknown"
    return str(code)[:16] if code else "unknown"
