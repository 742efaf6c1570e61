"""The fuzzing harness: send one request to the gateway, check every invariant.

Every fuzz module sends its requests through `Gateway.send`, in-process through Django's
test client (no socket, so 10,000 requests fit in the suite's time budget). After each
request it checks:

- no unexpected 5xx: the only 5xx answers allowed are the ones an API documents for
  that status (§9 "Service is not available" is 503 INS-16; Query Direct Debit
  documents INS-1, INS-52 and INS-57 as 500), and the gateway's own crash handler
  never ran (its `sandbox.gateway` error log stays empty);
- the body is a JSON object with `output_ResponseCode` (INS-...) and
  `output_ResponseDesc`, served as `application/json`;
- no response header carries a quote or backslash (portalsdk json-parses headers);
- a request answered non-2xx created no transaction, mandate, session or callback;
- the call log grew by exactly one row for a call the gateway authenticated (valid
  bearer, known market, API and verb, Content-Length within the limit), by none for
  any other (garbage bearer, unknown route, oversized body): the per-key rate limit is
  lifted for the fuzz run (conftest.py).

`REQUESTS` counts every request sent in this process; test_zz_total.py checks it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

from callbacks.models import CallbackDelivery
from catalog import Api, find_operation, get_market
from sandbox.models import ApiCall, Mandate, Session, Transaction
from tests.sandbox.helpers import GATEWAY_PREFIX, bearer_for

MIN_REQUESTS_PER_RUN = 10_000
REQUESTS = {"sent": 0}
BY_MODULE: dict[str, int] = {}

# Rows no refused request may create, and the call log.
_EFFECT_TABLES = [m._meta.db_table for m in (Transaction, Mandate, Session, CallbackDelivery)]
_COUNTED = [*_EFFECT_TABLES, ApiCall._meta.db_table]
_COUNT_SQL = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in _COUNTED)  # noqa: S608

_BEARERS: dict[str, str] = {}


def cached_bearer(api_key_plaintext: str) -> str:
    """One bearer per key for the whole run: the gateway's bearer cache then makes every
    call after the first free of RSA work."""
    if api_key_plaintext not in _BEARERS:
        _BEARERS[api_key_plaintext] = bearer_for(api_key_plaintext)
    return _BEARERS[api_key_plaintext]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Answer:
    status: int
    data: dict[str, Any]
    headers: dict[str, str]
    logged: int  # call-log rows this request added

    @property
    def code(self) -> str:
        return self.data["output_ResponseCode"]


@dataclass
class Gateway:
    client: Client
    api_key_plaintext: str
    crashes: _Collect = field(default_factory=_Collect)

    @property
    def authorization(self) -> str:
        return f"Bearer {cached_bearer(self.api_key_plaintext)}"

    def send(
        self,
        method: str,
        market: str,
        operation: str,
        body: bytes = b"",
        *,
        content_type: str = "application/json",
        query: str = "",
        authorization: str | None = "valid",
        meta: dict[str, str] | None = None,
    ) -> Answer:
        """Send one request; `authorization="valid"` uses the developer's bearer, None
        sends no Authorization header, any other string is sent as it is."""
        url = f"{GATEWAY_PREFIX}/{market}/{operation}"
        if query:
            url = f"{url}?{query}"
        headers = dict(meta or {})
        if authorization == "valid":
            headers["HTTP_AUTHORIZATION"] = self.authorization
        elif authorization is not None:
            headers["HTTP_AUTHORIZATION"] = authorization
        before = _counts()
        self.crashes.records.clear()
        logger = logging.getLogger("sandbox.gateway")
        logger.addHandler(self.crashes)
        try:
            response = self.client.generic(method, url, body, content_type=content_type, **headers)
        finally:
            logger.removeHandler(self.crashes)
        REQUESTS["sent"] += 1
        module = os.environ.get("PYTEST_CURRENT_TEST", "?").partition("::")[0]
        BY_MODULE[module] = BY_MODULE.get(module, 0) + 1
        after = _counts()
        api = find_operation(operation)
        answer = _check_envelope(response, api, self.crashes)
        declared = headers.get("CONTENT_LENGTH", str(len(body)))
        routed = _routed(api, market, method) and _acceptable_length(declared)
        _check_effects(answer, before, after, authenticated=authorization == "valid" and routed)
        return answer


def _routed(api: Api | None, market_slug: str, method: str) -> bool:
    """The request reaches the bearer check (known market and API, accepted verb)."""
    market = get_market(market_slug)
    return (
        api is not None
        and market is not None
        and method in api.accepted_methods
        and market.slug in api.markets
    )


def _acceptable_length(declared: str) -> bool:
    """The Content-Length passes the gateway's size check (made before the bearer's)."""
    try:
        length = int(declared or 0)
    except ValueError:
        return False
    return 0 <= length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _counts() -> tuple[int, ...]:
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL)
        return tuple(cursor.fetchone())


def documented_server_errors(api: Api) -> set[tuple[str, int]]:
    """The (code, status) 5xx answers `api` documents in the catalogue: the only 5xx the
    gateway may give for it."""
    return {(r.code, r.http_status) for r in api.result_codes if r.http_status >= 500}


def _check_envelope(response, api: Api | None, crashes: _Collect) -> Answer:
    status = response.status_code
    content = response.content
    assert not crashes.records, f"gateway crash handler ran: {crashes.records[0].exc_info}"
    assert response["Content-Type"] == "application/json", (status, response["Content-Type"])
    try:
        data = json.loads(content)
    except ValueError:
        raise AssertionError(f"not JSON: {status} {content[:300]!r}") from None
    assert isinstance(data, dict), content[:300]
    code, desc = data.get("output_ResponseCode"), data.get("output_ResponseDesc")
    assert isinstance(code, str) and code.startswith("INS-"), data
    assert isinstance(desc, str) and desc, data
    if status >= 500:
        documented = api is not None and (code, status) in documented_server_errors(api)
        assert documented, f"undocumented {status}: {data}"
    headers = dict(response.items())
    for name, value in headers.items():
        assert not set("\"'\\") & set(value), f"quote in header {name}: {value!r}"
    return Answer(status, data, headers, logged=0)


def _check_effects(answer: Answer, before, after, *, authenticated: bool) -> None:
    effects_before, effects_after = before[:-1], after[:-1]
    answer.logged = after[-1] - before[-1]
    if not 200 <= answer.status < 300:
        changes = zip(effects_before, effects_after, strict=True)
        assert effects_after == effects_before, (
            f"refused request ({answer.status} {answer.code}) created rows: "
            f"{dict(zip(_EFFECT_TABLES, changes, strict=True))}"
        )
    if authenticated:  # every authenticated call is logged once, refused or not
        assert answer.logged == 1, (answer.logged, answer.data)
    else:
        assert answer.logged == 0, f"call logged without authentication: {answer.data}"
