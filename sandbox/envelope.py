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

# `sandbox` alone forbids scripts, forms and plugins: a JSON API needs nothing else.
GATEWAY_CSP = "sandbox"


def json_response(body: dict[str, Any], status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, separators=(",", ":")), status=status, content_type="application/json"
    )
    # Seen on the real sandbox (reference §4); lets the browser console call us too.
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Security-Policy"] = GATEWAY_CSP
    return response


def envelope(result: ResultCode, **extra: Any) -> HttpResponse:
    """An answer that is just a result code (errors outside any API's own logic)."""
    body = {
        "output_ResponseCode": result.code,
        "output_ResponseDesc": result.description,
        **extra,
    }
    return json_response(body, result.http_status)
