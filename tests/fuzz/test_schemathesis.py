"""Schemathesis against the gateway's own OpenAPI document (/sandbox/openapi.json):
positive and negative cases for every operation (schemathesis 4 generates both by
default: wrong markets in the path, wrong types, missing and extra parameters), sent
in-process through the fuzz harness with the developer's bearer.

tests/sandbox/test_openapi_conformance.py validates answers against the document over
real HTTP with a few cases per operation; this module sends many more and checks the
harness's invariants (envelope, no unexpected 5xx, no effects of refused calls).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from catalog.openapi import openapi_document

BASE = "http://testserver/sandbox"
schema = schemathesis.openapi.from_dict(openapi_document(BASE))

pytestmark = pytest.mark.django_db


def test_the_fuzzed_document_is_the_one_the_gateway_serves(client):
    served = client.get("/sandbox/openapi.json").json()
    assert served["paths"].keys() == openapi_document(BASE)["paths"].keys()


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_generated_requests_get_the_envelope(case, gateway):
    kwargs = case.as_transport_kwargs(base_url=BASE)
    path = urlsplit(kwargs["url"]).path.removeprefix("/sandbox/ipg/v2/")
    market, _, operation = path.partition("/")
    body = b""
    if "json" in kwargs:
        body = json.dumps(kwargs["json"]).encode()
    elif isinstance(kwargs.get("data"), bytes | str):
        body = kwargs["data"] if isinstance(kwargs["data"], bytes) else kwargs["data"].encode()
    query = urlencode(kwargs.get("params") or {}, doseq=True)
    gateway.send(case.method.upper(), market, operation, body, query=query)
