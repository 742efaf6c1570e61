"""Property: whatever the parameters, the gateway answers in the envelope, with a code
the API documents at that HTTP status: never a 5xx the catalogue does not list for it
(Query Direct Debit documents 500 INS-57, INS-1 and INS-52; every API but getSession and
Query Beneficiary Name 503 INS-16).

Driven by hypothesis through Django's test client (in-process, fast); the same code
path as the live server tests, minus the socket.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalog import MARKETS, all_apis, find_operation
from tests.fuzz.harness import documented_server_errors
from tests.sandbox.helpers import GATEWAY_PREFIX, bearer_for

pytestmark = pytest.mark.django_db

APIS = [api for api in all_apis() if api.params]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "NaN", "-1", "1e3", "000000000001", "True", "GHA", "GHS"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@st.composite
def requests_for(draw):
    api = draw(st.sampled_from(APIS))
    body = api.sample_request(MARKETS[api.markets[0]])
    for param in draw(st.lists(st.sampled_from(api.params), max_size=4)):
        body[param.name] = draw(VALUES)
    return api, body


QUERY_DIRECT_DEBIT = find_operation("queryDirectDebit")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=requests_for())
# Found by a CI run: neither MSISDN nor token is the documented 500 INS-57.
@example(
    case=(
        QUERY_DIRECT_DEBIT,
        {
            **QUERY_DIRECT_DEBIT.sample_request(MARKETS[QUERY_DIRECT_DEBIT.markets[0]]),
            "input_CustomerMSISDN": None,
        },
    )
)
def test_any_parameters_get_an_envelope_never_an_undocumented_5xx(client, developer, case):
    api, body = case
    url = f"{GATEWAY_PREFIX}/{api.markets[0]}/{api.path}"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_bearer(developer)}"}
    if api.method == "GET":
        params = {k: v for k, v in body.items() if v is not None}
        response = client.get(url, params, **headers)
    else:
        response = client.generic(
            api.method, url, json.dumps(body), content_type="application/json", **headers
        )
    data = response.json()
    code = data["output_ResponseCode"]
    assert code.startswith("INS-")
    assert data["output_ResponseDesc"]
    if response.status_code >= 500:
        assert (code, response.status_code) in documented_server_errors(api), data
    assert response.status_code == api.result(code).http_status


_BEARERS: dict[str, str] = {}


def _bearer(developer) -> str:
    key = developer.api_key_plaintext
    if key not in _BEARERS:
        _BEARERS[key] = bearer_for(key)
    return _BEARERS[key]
