"""Fuzzing the query string (the gateway reads parameters there for any verb): broken
percent-escapes, invalid UTF-8, NUL, repeated keys, separators, very many fields."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import APIS, fuzz

pytestmark = pytest.mark.django_db

ESCAPES = st.sampled_from(["%", "%z", "%zz", "%ff", "%00", "%ed%a0%80", "%c3%28", "%2", "+", ";"])
PIECE = st.one_of(
    st.text(max_size=12).map(lambda t: quote(t, safe="")),
    ESCAPES,
    st.sampled_from(["input_Amount", "input_Country", "input_CustomerMSISDN", "input_Currency"]),
    st.sampled_from(["=", "&", "&&", "==", "[]", "GHA", "10.00", "233200000000"]),
)
QUERIES = st.lists(PIECE, max_size=12).map("".join)


@fuzz(300)
@given(data=st.data(), query=QUERIES)
def test_any_query_string_gets_the_envelope(gateway, data, query):
    api = data.draw(st.sampled_from(APIS))
    method = data.draw(st.sampled_from(api.accepted_methods))
    for market in api.markets:
        gateway.send(method, market, api.path, query=query)


@fuzz(30)
@given(data=st.data(), fields=st.integers(900, 1100))
def test_very_many_query_fields_get_the_envelope(gateway, data, fields):
    """Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields; 1,001
    short fields fit in a 4 KiB request line (gunicorn's default limit)."""
    api = data.draw(st.sampled_from(APIS))
    answer = gateway.send(api.method, api.markets[0], api.path, query="&".join(["a"] * fields))
    if api.slug != "getSession":
        assert answer.status == 400, answer.data
