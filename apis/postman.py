"""The Postman collection (schema v2.1), derived from the catalogue like the OpenAPI document.

One folder per API with one request: its verb, its Resource URL built from collection
variables (`{{baseUrl}}/{{market}}/<path>`), the gateway's headers (the bearer is the
`{{bearer}}` variable) and the catalogue's example body. The market's own values
(input_Country, input_Currency) are variables too, so that changing the market is three
edits in one place; values that must be new on every call use Postman's dynamic
variables.
"""

from __future__ import annotations

import json
import uuid

from apis.docs import SANDBOX_PREFIX, markets_of
from catalog import Api, Market, Param, all_apis

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
COLLECTION_NAME = "M-Pesa Payments Gateway (sandbox)"
# A stable id: re-importing the download updates the same collection in Postman.
COLLECTION_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "mpesa-portal/postman-collection"))
# 2 + 10 + at most 4 characters: within every `fresh` parameter's limit (20).
FRESH_VALUE = "pm{{$timestamp}}{{$randomInt}}"
HEADERS = (
    ("Authorization", "Bearer {{bearer}}", "Base64(RSA(API key or session id)): see the docs."),
    ("Content-Type", "application/json", ""),
    ("Origin", "*", ""),
)


def _value(param: Param) -> str:
    if param.check == "country":
        return "{{country}}"
    if param.check == "currency":
        return "{{currency}}"
    if param.fresh:
        return FRESH_VALUE
    return param.example


def example_body(api: Api) -> dict[str, str]:
    """The catalogue's sample request, with the collection's variables where they apply."""
    return {param.name: _value(param) for param in api.params if param.required or param.example}


def _request(api: Api) -> dict:
    body = example_body(api)
    segments = [s for s in api.path.split("/") if s]
    url: dict = {
        "raw": "{{baseUrl}}/{{market}}/" + api.path,
        "host": ["{{baseUrl}}"],
        "path": ["{{market}}", *segments, ""],
    }
    request: dict = {
        "method": api.method,
        "header": [
            {"key": key, "value": value, "type": "text", **({"description": d} if d else {})}
            for key, value, d in HEADERS
        ],
        "url": url,
        "description": api.summary,
    }
    if api.method == "GET":
        if body:
            url["query"] = [{"key": k, "value": v} for k, v in body.items()]
            url["raw"] += "?" + "&".join(f"{k}={v}" for k, v in body.items())
    else:
        request["body"] = {
            "mode": "raw",
            "raw": json.dumps(body, indent=2),
            "options": {"raw": {"language": "json"}},
        }
    return request


def collection(base_url: str, market: Market) -> dict:
    """The collection for a portal at `base_url` (scheme and host), `market` by default."""
    return {
        "info": {
            "_postman_id": COLLECTION_ID,
            "name": COLLECTION_NAME,
            "description": (
                "Generated from the portal's API catalogue. Set the `bearer` variable to "
                "Base64(RSA(your API key)) (or a session id from Generate SessionKey). To "
                "call another market, change `market`, `country` and `currency` together."
            ),
            "schema": SCHEMA,
        },
        "variable": [
            {"key": "baseUrl", "value": base_url.rstrip("/") + SANDBOX_PREFIX, "type": "string"},
            {"key": "market", "value": market.slug, "type": "string"},
            {"key": "country", "value": market.country, "type": "string"},
            {"key": "currency", "value": market.currency, "type": "string"},
            {"key": "bearer", "value": "", "type": "string"},
        ],
        "item": [
            {
                "name": api.name,
                "description": (
                    f"{api.summary} Markets: {', '.join(m.slug for m in markets_of(api))}."
                ),
                "item": [{"name": api.name, "request": _request(api)}],
            }
            for api in all_apis()
        ],
    }
