"""The API catalogue: the single source of truth about every API (DESIGN.md).

    from catalog import all_apis, get_api, find_operation, MARKETS, get_market

Documentation pages, console, samples, the sandbox's validation and the OpenAPI
document are all generated from these entries.
"""

from __future__ import annotations

from catalog.entries import ENTRIES
from catalog.markets import ALL_MARKETS, MARKETS, get_market
from catalog.types import (
    SUCCESS_CODES,
    Api,
    CallbackField,
    Market,
    Param,
    ResponseField,
    ResultCode,
    Trigger,
)

__all__ = [
    "ALL_MARKETS",
    "SUCCESS_CODES",
    "MARKETS",
    "Api",
    "CallbackField",
    "Market",
    "Param",
    "ResponseField",
    "ResultCode",
    "Trigger",
    "all_apis",
    "find_operation",
    "get_api",
    "get_market",
]

_BY_SLUG: dict[str, Api] = {api.slug: api for api in ENTRIES}
# Lower-cased paths without slashes -> API: the documented path and every alias. Case
# is folded because the reference's own samples spell /querydirectDebit/ (§5.10).
_BY_PATH: dict[str, Api] = {
    path.strip("/").lower(): api for api in ENTRIES for path in (api.path, *api.path_aliases)
}


def all_apis() -> tuple[Api, ...]:
    """Every API, in documentation order (getSession, the seed's three, then the rest)."""
    return ENTRIES


def get_api(slug: str) -> Api | None:
    return _BY_SLUG.get(slug)


def find_operation(path_after_market: str) -> Api | None:
    """The API served at `path_after_market` ("c2bPayment/singleStage/"), or None.

    Tolerates a missing trailing slash, the aliases of §7 (b2cPayment/singleStage/) and
    differences of case (querydirectDebit).
    """
    return _BY_PATH.get(path_after_market.strip("/").lower())
