"""Display names of the APIs, read from the catalogue (`catalog`).

Reports store and filter by the catalogue slug (what the call log records); people read
the API's name. A slug the catalogue does not know (an API since removed) shows as is.
"""

from __future__ import annotations

import catalog


def api_name(slug: str) -> str:
    api = catalog.get_api(slug)
    return api.name if api is not None else slug


def api_choices() -> tuple[tuple[str, str], ...]:
    """(slug, name) of every catalogue API, for the "API" filter."""
    return tuple((api.slug, api.name) for api in catalog.all_apis())
