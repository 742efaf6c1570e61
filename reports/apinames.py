"""Display names of the APIs, read from the catalogue (`apis.catalog`).

Reports store and filter by the catalogue slug (what the call log records); people read
the API's name. A slug the catalogue does not know (an API since removed) shows as is.
"""

from __future__ import annotations

from functools import lru_cache


def _catalog():
    try:
        from apis import catalog
    except ImportError:  # pragma: no cover - the catalogue is part of the portal
        return None
    return catalog


def api_name(slug: str) -> str:
    catalog = _catalog()
    get_api = getattr(catalog, "get_api", None)
    if get_api is None:
        return slug
    try:
        api = get_api(slug)
    except (KeyError, LookupError):
        return slug
    return getattr(api, "name", None) or slug


@lru_cache(maxsize=1)
def api_choices() -> tuple[tuple[str, str], ...]:
    """(slug, name) of every catalogue API, for the "API" filter."""
    catalog = _catalog()
    apis = None
    for attr in ("all_apis", "APIS", "CATALOG", "API_LIST"):
        found = getattr(catalog, attr, None)
        if found is not None:
            apis = found() if callable(found) else found
            break
    if apis is None:
        return ()
    if isinstance(apis, dict):
        apis = apis.values()
    return tuple((api.slug, api.name) for api in apis)
