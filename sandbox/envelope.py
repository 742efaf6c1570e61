"""The gateway's answers: always the M-Pesa JSON envelope, with headers clients can parse.

The official portalsdk parses response headers with
`json.loads(str(r.headers).replace("'", '"'))` (reference §7): a quote or backslash in
any header value breaks every call. So gateway responses carry plain
`Content-Type: application/json` (no `charset="utf-8"` form), no ETag, and a
Content-Security-Policy without quoted keywords (the portal's page policy has 'self';
the gateway serves no HTML, so the quote-free `sandbox` policy is stricter anyway).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

from catalog import ResultCode
from telemetry import context

# `sandbox` alone forbids scripts, forms and plugins: a JSON API needs nothing else.
GATEWAY_CSP = "sandbox"
CONTENT_TYPE = "application/json"
# Set on every answer besides Content-Type (json_response below).
GATEWAY_HEADERS = {
    # Seen on the real sandbox (reference §4); lets the browser console call us too.
    "Access-Control-Allow-Origin": "*",
    "Content-Security-Policy": GATEWAY_CSP,
}


def serialize(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"))


def json_response(body: dict[str, Any], status: int) -> HttpResponse:
    response = HttpResponse(serialize(body), status=status, content_type=CONTENT_TYPE)
    for name, value in GATEWAY_HEADERS.items():
        response[name] = value
    return response


def answer_headers(body: dict[str, Any]) -> dict[str, str]:
    """The headers of the answer json_response makes of `body`, as the call log keeps
    them: what the gateway sets, the Content-Length Django's CommonMiddleware adds, and
    the request id (ops.middleware). The site-wide security headers every answer carries
    (SecurityMiddleware, X-Frame-Options) are the same on every call and not repeated.
    json.dumps escapes non-ASCII, so the length of the text is the length in bytes."""
    headers = {"Content-Type": CONTENT_TYPE, "Content-Length": str(len(serialize(body)))}
    headers.update(GATEWAY_HEADERS)
    if request_id := context.request_id.get():
        headers["X-Request-ID"] = request_id
    return headers


def envelope(result: ResultCode, **extra: Any) -> HttpResponse:
    """An answer that is just a result code (errors outside any API's own logic)."""
    body = {
        "output_ResponseCode": result.code,
        "output_ResponseDesc": result.description,
        **extra,
    }
    return json_response(body, result.http_status)
