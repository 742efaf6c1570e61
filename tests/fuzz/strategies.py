"""Hypothesis settings and strategies shared by the fuzz modules."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from catalog import MARKETS, all_apis

APIS = all_apis()
PARAM_APIS = [api for api in APIS if api.params]


def fuzz(examples: int) -> settings:
    """`examples` generated cases; no deadline (the machine is shared), no example
    database (a fresh search every run; a failure prints its reproducing example)."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),  # the fixtures are reused on purpose
        database=None,
    )


def sample_body(api, market_slug: str) -> dict[str, str]:
    """A body the sandbox accepts for `api` in this market (fresh references)."""
    return api.sample_request(MARKETS[market_slug])


def json_object_or_none(raw: bytes) -> dict | None:
    """What the gateway should make of `raw`: the JSON object, or None if it is not one."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


# JSON scalars and containers of every type, including the odd ones.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", " ", "0", "-1", "1e3", "0.001", "NaN", "Infinity", "\u0000", "١٢"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
