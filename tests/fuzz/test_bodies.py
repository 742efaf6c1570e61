"""Fuzzing the request body of every gateway operation in every market, with a valid
bearer: malformed JSON, odd encodings, NUL bytes, wrong types, duplicated keys.

Each generated case is sent to the API in every market it is offered in (the market's
own sample body, mutated the same way), so a case costs one generation and ~5 requests.
Every request goes through tests.fuzz.harness (envelope, no unexpected 5xx, no rows
created by a refused request, the call log counts every authenticated call once).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.calllog import documented_length
from sandbox.models import ApiCall
from tests.fuzz.strategies import (
    APIS,
    JSON_VALUES,
    PARAM_APIS,
    fuzz,
    json_object_or_none,
    sample_body,
)

pytestmark = pytest.mark.django_db

CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "application/json; charset=utf-16",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
        "application/json; charset=\u00e9",
        # Codecs Python knows that are no text encodings, or refuse everything.
        "application/json; charset=hex",
        "application/json; charset=base64",
        "application/json; charset=rot13",
        "application/json; charset=undefined",
        "application/json; charset=utf-7",
        "text/plain; charset=zlib",
    ]
)


def _send_everywhere(gateway, api, method, make_body, **kwargs):
    """Send make_body(market) to `api` in each of its markets; the answers."""
    answers = []
    for market in api.markets:
        raw = make_body(market)
        answer = gateway.send(method, market, api.path, raw, **kwargs)
        if api.slug != "getSession" and raw.strip() and json_object_or_none(raw) is None:
            # Not a JSON object: refused as malformed, whatever else is wrong.
            assert (answer.status, answer.code) == (400, "INS-21"), answer.data
        answers.append((market, raw, answer))
    return answers


def _api_and_method(apis=APIS):
    return st.sampled_from(apis).flatmap(
        lambda api: st.tuples(st.just(api), st.sampled_from(api.accepted_methods))
    )


# A mutation: (position as a fraction of the length, what, noise bytes).
MUTATIONS = st.lists(
    st.tuples(
        st.floats(0, 1),
        st.sampled_from(["cut", "insert", "drop", "replace"]),
        st.binary(min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=3,
)


def _mutate(raw: bytes, mutations) -> bytes:
    for fraction, how, noise in mutations:
        at = int(fraction * len(raw))
        if how == "cut":
            raw = raw[:at]
        elif how == "insert":
            raw = raw[:at] + noise + raw[at:]
        elif how == "drop":
            raw = raw[:at] + raw[at + len(noise) :]
        else:
            raw = raw[:at] + noise + raw[at + len(noise) :]
    return raw


@fuzz(420)
@given(route=_api_and_method(), mutations=MUTATIONS, content_type=CONTENT_TYPES)
def test_malformed_json_is_refused_in_the_envelope(gateway, route, mutations, content_type):
    api, method = route
    _send_everywhere(
        gateway,
        api,
        method,
        lambda market: _mutate(json.dumps(sample_body(api, market)).encode(), mutations),
        content_type=content_type,
    )


@fuzz(300)
@given(
    route=_api_and_method(),
    raw=st.one_of(st.binary(max_size=200), st.text(max_size=80).map(str.encode)),
)
def test_random_bytes_are_refused_in_the_envelope(gateway, route, raw):
    api, method = route
    _send_everywhere(gateway, api, method, lambda market: raw)


ODD_TEXT = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0xFF), min_size=1),
    st.text(min_size=1, max_size=20),
    st.sampled_from(
        ["\u0000", "a\u0000b", "\ud800", "x\udfffy", "\u202e", "\ufeff", "\U0001f600", "\\"]
    ),
)
ENCODINGS = st.sampled_from(
    ["utf-8", "utf-8-sig", "latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"]
)
SPLICES = st.sampled_from([b"", b"\x00", b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"])


@st.composite
def odd_encodings(draw) -> tuple:
    """Odd text (non-Latin, NUL, lone surrogates) in some values and keys, the JSON
    encoded oddly, sometimes with invalid UTF-8 or raw NUL bytes spliced in."""
    api, method = draw(_api_and_method())
    names = [p.name for p in api.params] + ["input_Extra"]
    changes = draw(st.dictionaries(st.sampled_from(names), ODD_TEXT, max_size=3))
    if draw(st.booleans()):
        changes[draw(ODD_TEXT)] = draw(ODD_TEXT)
    ensure_ascii = draw(st.booleans())
    encoding = draw(ENCODINGS)
    splice, where = draw(SPLICES), draw(st.floats(0, 1))

    def make_body(market: str) -> bytes:
        text = json.dumps({**sample_body(api, market), **changes}, ensure_ascii=ensure_ascii)
        raw = text.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")
        at = int(where * len(raw))
        return raw[:at] + splice + raw[at:]

    return api, method, make_body


@fuzz(300)
@given(case=odd_encodings(), content_type=CONTENT_TYPES)
def test_odd_encodings_get_the_envelope(gateway, case, content_type):
    api, method, make_body = case
    _send_everywhere(gateway, api, method, make_body, content_type=content_type)


@fuzz(560)
@given(route=_api_and_method(PARAM_APIS), data=st.data())
def test_wrong_types_get_the_envelope(gateway, route, data):
    """Parameters replaced by JSON values of any type (null, booleans, numbers, arrays,
    objects): arrays and objects are never accepted as a parameter's value."""
    api, method = route
    names = data.draw(st.lists(st.sampled_from([p.name for p in api.params]), min_size=1))
    changes = {name: data.draw(JSON_VALUES) for name in names[:4]}
    answers = _send_everywhere(
        gateway,
        api,
        method,
        lambda market: json.dumps({**sample_body(api, market), **changes}).encode(),
    )
    for _market, _raw, answer in answers:
        if answer.status < 300:
            containers = [n for n, v in changes.items() if isinstance(v, list | dict) and v]
            assert not containers, (containers, answer.data)


@fuzz(60)
@given(route=_api_and_method(), value=JSON_VALUES)
def test_a_body_that_is_not_an_object_is_refused(gateway, route, value):
    api, method = route
    raw = json.dumps(value).encode()
    _send_everywhere(gateway, api, method, lambda market: raw)


@fuzz(200)
@given(route=_api_and_method(PARAM_APIS), data=st.data())
def test_duplicated_keys_the_last_one_wins(gateway, route, data):
    """A body written by hand with some keys repeated: the gateway reads the last value
    of each (like json.loads), which the call log keeps (bounded: sandbox.calllog)."""
    api, method = route
    repeats = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from([p.name for p in api.params]),
                st.one_of(st.text(max_size=12), st.sampled_from(["10", "GHA", ""])),
                st.floats(0, 1),
            ),
            min_size=1,
            max_size=3,
        )
    )

    def make_body(market: str) -> bytes:
        pairs = list(sample_body(api, market).items())
        for name, value, where in repeats:
            pairs.insert(int(where * len(pairs)), (name, value))
        return ("{" + ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in pairs) + "}").encode()

    for market, raw, answer in _send_everywhere(gateway, api, method, make_body):
        last_wins = json.loads(raw)
        logged = ApiCall.objects.filter(operation=api.slug, market=market).latest("pk")
        for name, value in last_wins.items():
            # NUL cannot be stored (PostgreSQL): the gateway reads it as U+FFFD.
            expected = value.replace("\x00", "\ufffd")[: documented_length(api, api.param(name))]
            assert logged.request_body.get(name) == expected, (logged.request_body, answer.data)
