"""The catalogue's vocabulary: frozen dataclasses describing markets and APIs.

Everything about an API is written once, here and in `entries/`; the documentation
pages, the console, the samples, the gateway's validation and the OpenAPI document are
all derived from these objects (DESIGN.md, "The API catalogue").
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Market:
    """One market of the reference (§2.2): the `{market}` URL segment and its codes."""

    slug: str  # URL context, e.g. "vodafoneGHA"
    name: str  # "Vodafone Ghana"
    country: str  # input_Country value, e.g. "GHA" (not ISO 3166: "TZN", "LES", "DRC")
    currency: str  # input_Currency value, e.g. "GHS"
    msisdn_prefix: str  # country calling code, e.g. "233" (informative only)


@dataclass(frozen=True)
class Param:
    """One request parameter (`input_<Name>`).

    `error_code` is what a malformed value answers (a missing required one is always
    INS-20). `check` names a rule beyond the regex: "country" and "currency" must be the
    market's own values. `aliases` are other spellings accepted on the wire (§5.9).
    `fresh` marks values a client must make unique per request (sample bodies get a new
    random one each time, so the console never trips the duplicate check).
    """

    name: str
    description: str
    example: str
    required: bool = True
    type: str = "string"
    regex: str | None = None
    possible_values: tuple[str, ...] = ()
    error_code: str = "INS-21"
    aliases: tuple[str, ...] = ()
    check: str = ""
    fresh: bool = False

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.regex) if self.regex else None

    def is_valid(self, value: str) -> bool:
        """True when `value` (already coerced to a string) has this parameter's format."""
        if self.possible_values and value.lower() not in {v.lower() for v in self.possible_values}:
            return False
        return self.pattern is None or self.pattern.fullmatch(value) is not None

    @property
    def short_name(self) -> str:
        """The name without its `input_` prefix, as the trigger tables write it."""
        return self.name.removeprefix("input_")


@dataclass(frozen=True)
class ResponseField:
    """One `output_<Name>` field of the synchronous answer."""

    name: str
    description: str
    example: str = ""
    on_success_only: bool = False
    in_async_ack: bool = False  # also present in the asynchronous acknowledgement


@dataclass(frozen=True)
class CallbackField:
    """One field of the asynchronous result posted to the developer (§6.1)."""

    name: str
    description: str
    example: str = ""


# The success codes: INS-0 everywhere, INS-GAR-0 for Update Transaction Status (§5.12).
SUCCESS_CODES = frozenset({"INS-0", "INS-GAR-0"})


@dataclass(frozen=True)
class ResultCode:
    """A result code an API may answer, with the HTTP status the reference maps it to."""

    code: str
    description: str
    http_status: int

    @property
    def is_success(self) -> bool:
        return self.code in SUCCESS_CODES


@dataclass(frozen=True)
class Trigger:
    """A sandbox test trigger (§9): sending `value` in `field` produces `code`.

    `outputs` are extra output fields the outcome sets (e.g. output_Reversed "True" for
    the reversed-transaction trigger of Query Transaction Status).
    """

    field: str  # full parameter name, e.g. "input_CustomerMSISDN"
    value: str
    code: str
    description: str
    outputs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Api:
    """One API of the gateway (reference §5)."""

    slug: str  # stable identifier, stored in the call log: "c2bPayment"
    name: str
    summary: str
    description: str
    method: str
    path: str  # under /sandbox/ipg/v2/<market>/, with its trailing slash
    markets: tuple[str, ...]
    params: tuple[Param, ...]
    response_fields: tuple[ResponseField, ...]
    result_codes: tuple[ResultCode, ...]
    success_status: int
    callback_fields: tuple[CallbackField, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    path_aliases: tuple[str, ...] = ()  # other paths clients use (§7)
    alternate_methods: tuple[str, ...] = ()  # other verbs clients use (§7)
    supports_async: bool = True
    is_seed: bool = False  # one of the seed's first three APIs (C2B, Reversal, QTS)
    notes: tuple[str, ...] = field(default=())

    @cached_property
    def output_order(self) -> tuple[str, ...]:
        """The answer's field names in wire order (reference §5; docs/gateway.md)."""
        return tuple(f.name for f in self.response_fields)

    @property
    def accepted_methods(self) -> tuple[str, ...]:
        return (self.method, *self.alternate_methods)

    def param(self, name: str) -> Param | None:
        for param in self.params:
            if param.name == name or name in param.aliases:
                return param
        return None

    @property
    def success(self) -> ResultCode:
        """The API's success code: INS-0, or INS-GAR-0 for Update Transaction Status."""
        return next(r for r in self.result_codes if r.is_success)

    def result(self, code: str) -> ResultCode:
        """The code as this API documents it; KeyError for a code it does not list."""
        for result in self.result_codes:
            if result.code == code:
                return result
        raise KeyError(f"{self.slug} has no result code {code}")

    def triggers_for(self, field_name: str) -> dict[str, Trigger]:
        return {t.value: t for t in self.triggers if t.field == field_name}

    def sample_request(self, market: Market) -> dict[str, str]:
        """A request body that succeeds in the sandbox for `market` (console, samples).

        Values marked `fresh` get a new random suffix so repeated sends are no duplicate.
        """
        body: dict[str, str] = {}
        for param in self.params:
            if not param.required and not param.example:
                continue
            if param.check == "country":
                body[param.name] = market.country
            elif param.check == "currency":
                body[param.name] = market.currency
            elif param.fresh:
                body[param.name] = _fresh(param, secrets.token_hex(16))
            else:
                body[param.name] = param.example
        return body


def _fresh(param: Param, random_hex: str) -> str:
    """A random value of the parameter's shape (alphanumeric, within its length)."""
    match = re.search(r"\{1,(\d+)\}", param.regex or "")
    limit = int(match.group(1)) if match else 20
    return random_hex[: min(limit, 32)]
