"""The gateway conforms to its own OpenAPI document (generated from the catalogue):
schemathesis generates requests from the document and validates every response against
it (documented status codes, content type, response schema, no server error beyond the
documented 500 codes).

Two of schemathesis's checks do not apply, by design of the protocol: "schema-valid data
is accepted" (the gateway refuses schema-valid requests: a country not of the URL's
market, the §9 failure triggers, a reversal of an unknown transaction) and "schema-
violating data is refused" (the gateway tolerates numbers and booleans where strings are
documented, reference §7); nor do "an undeclared verb answers 405" and "Allow lists the
declared verbs" (Reversal and Cancel Direct Debit also accept POST, §7); nor, for
getSession, "a missing Authorization answers 401" (its documented failure is 400 INS-989,
§5.1; the document says so). Its "no server error" check is replaced by "a 5xx is one
the API documents" (Query Direct Debit documents 500 answers)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    unsupported_method,
)

from catalog import find_operation
from catalog.openapi import openapi_document
from tests.sandbox.helpers import bearer_for

schema = schemathesis.openapi.from_dict(openapi_document("http://testserver/sandbox"))


@pytest.fixture
def authorization(developer) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer_for(developer.api_key_plaintext)}"}


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_gateway_conforms_to_its_openapi_document(
    case, live_server, transactional_db, authorization
):
    getsession = case.operation.path.endswith("/getSession/")
    case.call_and_validate(
        base_url=f"{live_server.url}/sandbox",
        headers=authorization,
        excluded_checks=[
            *([missing_required_header, ignored_auth] if getsession else []),
            positive_data_acceptance,
            negative_data_rejection,
            unsupported_method,
            allow_header_conformance,
            not_a_server_error,
        ],
        additional_checks=[server_errors_are_documented],
    )


def server_errors_are_documented(ctx, response, case) -> bool:
    if response.status_code < 500:
        return True
    api = find_operation(case.path.split("/{market}/", 1)[1])
    code = response.json()["output_ResponseCode"]
    assert api.result(code).http_status == response.status_code, (code, response.text)
    return True
