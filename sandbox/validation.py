"""Request parsing and validation, driven by the catalogue (reference §4, §5, §7).

Tolerated client deviations (§7): parameters in the query string or in a JSON body for
any verb (GET with a JSON body), numbers and booleans where strings are documented,
alternative spellings of a parameter (input_KYCQueryType), unknown parameters (ignored).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, QueryDict

from catalog import Api, Market

MAX_AMOUNT = Decimal("999999999999.99")


class MalformedRequest(Exception):
    """The body is not a JSON object."""


class NotJsonBody(MalformedRequest):
    """Strict mode: a POST or PUT without a JSON body and a JSON content type."""


# Strict mode's verbs: their parameters come from a JSON body only (docs/gateway.md).
BODY_METHODS = frozenset({"POST", "PUT"})


@dataclass(frozen=True)
class Invalid:
    """Validation failed with this result code."""

    code: str
    field: str = ""


# Text no database stores: NUL (PostgreSQL refuses it in text and jsonb) and lone
# surrogates (a JSON "\ud800" escape; not encodable as UTF-8 by any driver).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def read_params(request: HttpRequest, *, strict: bool = False) -> dict[str, str]:
    """Every parameter of the request as strings: query string, then a JSON body over it.

    `strict` (the application's strict mode): a POST or PUT must send a JSON object with
    `Content-Type: application/json` (else NotJsonBody), and its query string is
    ignored, as production takes such calls' parameters from the body only.

    Unstorable characters become U+FFFD (as Django decodes invalid UTF-8 in a query
    string): the call log can record the call, and the regexes refuse the value.
    """
    if strict and request.method in BODY_METHODS:
        if request.content_type != "application/json" or not request.body.strip():
            raise NotJsonBody
        params = _read_params(request, query=False)
    else:
        params = _read_params(request)
    return {_storable(key): _storable(value) for key, value in params.items()}


def _storable(text: str) -> str:
    return _UNSTORABLE.sub("\ufffd", text)


def _read_params(request: HttpRequest, *, query: bool = True) -> dict[str, str]:
    params = _from_query(request.GET) if query else {}
    raw = request.body
    if raw.strip():
        try:
            # Numbers keep their exact text ("10.50" stays "10.50", never a float).
            body = json.loads(raw, parse_float=str, parse_int=str)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # RecursionError: deeply nested input ("[[[[..."), malformed for our purposes.
            raise MalformedRequest from None
        if not isinstance(body, dict):
            raise MalformedRequest
        params.update({str(k): _as_text(v) for k, v in body.items() if v is not None})
    return params


def _from_query(query: QueryDict) -> dict[str, str]:
    return {key: query.get(key, "") for key in query}


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dict | list):
        return json.dumps(value)  # fails every regex: a clean format error
    return str(value)


def canonical(api: Api, params: dict[str, str]) -> dict[str, str]:
    """The API's own parameters under their documented names (aliases folded in)."""
    out: dict[str, str] = {}
    for param in api.params:
        for name in (param.name, *param.aliases):
            if name in params:
                out[param.name] = params[name].strip()
                break
    return out


def validate(api: Api, market: Market, params: dict[str, str]) -> Invalid | None:
    """None when `params` (canonical) are acceptable; else the code to answer.

    Order: missing required parameters (INS-20), then each parameter's format in
    catalogue order (its own code, or INS-21), then market rules (INS-998, INS-26).
    A §9 trigger value is accepted even when it breaks the regex (the Direct Debit
    Payment triggers are 20-digit MSISDNs against a 12 to 14 digit regex, §13.8).
    """
    for param in api.params:
        if param.required and not params.get(param.name):
            return Invalid("INS-20", param.name)
    for param in api.params:
        value = params.get(param.name, "")
        if not value:
            continue
        if param.check == "country":
            if value.upper() != market.country:
                return Invalid(param.error_code, param.name)
            continue
        if value in api.triggers_for(param.name):
            continue
        if not param.is_valid(value):
            return Invalid(param.error_code, param.name)
        if param.check == "currency" and value.upper() != market.currency:
            return Invalid(param.error_code, param.name)
        if param.error_code == "INS-15" and not _is_valid_amount(value):
            return Invalid("INS-15", param.name)
    return None


def _is_valid_amount(value: str) -> bool:
    """Positive, at most two decimals (money is stored as Decimal(14, 2))."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return False
    return Decimal("0") < amount <= MAX_AMOUNT and amount == amount.quantize(Decimal("0.01"))


def amount_of(value: str | None) -> Decimal | None:
    if not value:
        return None
    try:
        amount = Decimal(value)
        return amount.quantize(Decimal("0.01")) if amount.is_finite() else None
    except InvalidOperation:
        return None
