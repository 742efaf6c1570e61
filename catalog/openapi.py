"""OpenAPI 3 document of the sandbox gateway, generated from the catalogue."""

from __future__ import annotations

from typing import Any

from catalog import MARKETS, all_apis
from catalog.types import Api, Param

_ENVELOPE = "Envelope"


def _param_schema(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "description": param.description}
    if param.regex:
        schema["pattern"] = param.regex
    if param.possible_values:
        schema["enum"] = list(param.possible_values)
    if param.example:
        schema["example"] = param.example
    return schema


def _request_schema(api: Api) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {p.name: _param_schema(p) for p in api.params},
        "required": [p.name for p in api.params if p.required],
    }


def _response_schema(api: Api) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            f.name: {"type": "string", "description": f.description, "example": f.example}
            for f in api.response_fields
        },
        "required": ["output_ResponseCode", "output_ResponseDesc"],
    }


def _responses(api: Api) -> dict[str, Any]:
    by_status: dict[int, list[str]] = {}
    for result in api.result_codes:
        by_status.setdefault(result.http_status, []).append(f"{result.code} {result.description}")
    responses: dict[str, Any] = {}
    for status, lines in sorted(by_status.items()):
        ref = f"#/components/schemas/{api.slug}Response" if status == api.success_status else None
        schema = {"$ref": ref or f"#/components/schemas/{_ENVELOPE}"}
        responses[str(status)] = {
            "description": "; ".join(lines),
            "content": {"application/json": {"schema": schema}},
        }
    if api.slug == "getSession":
        # Its documented failure (§5.1) is also its answer to any refused bearer.
        responses["400"]["description"] += " (any bearer that is not accepted)"
        return responses
    responses["401"] = {
        "description": "INS-2 Invalid API Key (any bearer that is not accepted)",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{_ENVELOPE}"}}},
    }
    return responses


def _operation(api: Api) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": api.slug,
        "summary": api.name,
        "description": f"{api.summary} {api.description}".strip(),
        "tags": [api.name],
        "security": [{"bearer": []}],
        "parameters": [
            {
                "name": "market",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "enum": list(api.markets)},
            }
        ],
        "responses": _responses(api),
    }
    if not api.params:
        return operation
    if api.method == "GET":
        operation["parameters"] += [
            {"name": p.name, "in": "query", "required": p.required, "schema": _param_schema(p)}
            for p in api.params
        ]
    else:
        operation["requestBody"] = _body_of(api)
    return operation


def _body_of(api: Api) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{api.slug}Request"}}
        },
    }


def openapi_document(base_url: str) -> dict[str, Any]:
    """The gateway's OpenAPI 3.0 document; `base_url` ends before `/ipg/v2`."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        _ENVELOPE: {
            "type": "object",
            "properties": {
                "output_ResponseCode": {"type": "string", "example": "INS-0"},
                "output_ResponseDesc": {"type": "string"},
            },
            "required": ["output_ResponseCode", "output_ResponseDesc"],
        }
    }
    for api in all_apis():
        paths[f"/ipg/v2/{{market}}/{api.path}"] = {api.method.lower(): _operation(api)}
        schemas[f"{api.slug}Response"] = _response_schema(api)
        if api.params and api.method != "GET":
            schemas[f"{api.slug}Request"] = _request_schema(api)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "M-Pesa OpenAPI sandbox gateway",
            "version": "2",
            "description": (
                "Markets: "
                + ", ".join(f"{m.slug} ({m.country}, {m.currency})" for m in MARKETS.values())
                + ". Bearer: Base64(RSA PKCS#1 v1.5 of the API key or session id)."
            ),
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }
