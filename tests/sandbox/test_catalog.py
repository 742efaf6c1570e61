"""The catalogue's internal consistency: what the gateway relies on."""

from __future__ import annotations

import re

import pytest

from catalog import MARKETS, all_apis, find_operation, get_api, get_market
from catalog.openapi import openapi_document

APIS = list(all_apis())


def test_all_thirteen_apis_in_documentation_order():
    assert [a.slug for a in APIS] == [
        "getSession",
        "c2bPayment",
        "reversal",
        "queryTransactionStatus",
        "b2cPayment",
        "b2bPayment",
        "directDebitCreation",
        "directDebitPayment",
        "queryDirectDebit",
        "directDebitCancel",
        "queryBeneficiaryName",
        "c2bMultiStage",
        "updateTransactionStatus",
    ]


def test_markets_of_the_reference():
    assert {m.slug: (m.country, m.currency) for m in MARKETS.values()} == {
        "vodafoneGHA": ("GHA", "GHS"),
        "vodacomTZN": ("TZN", "TZS"),
        "vodacomLES": ("LES", "LSL"),
        "vodacomDRC": ("DRC", "USD"),
        "vodacomMOZ": ("MOZ", "MZN"),
    }
    assert get_market("vodacomMZ") is None


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("c2bPayment/singleStage/", "c2bPayment"),
        ("c2bPayment/singleStage", "c2bPayment"),
        ("b2cPayment/singleStage/", "b2cPayment"),
        ("reversal", "reversal"),
        ("querydirectDebit/", "queryDirectDebit"),
        ("getSession/", "getSession"),
    ],
)
def test_find_operation_tolerates_client_paths(path, slug):
    assert find_operation(path).slug == slug


def test_find_operation_unknown_is_none():
    assert find_operation("c2bPayment/multiStage/").slug == "c2bMultiStage"
    assert find_operation("queryTransactionStatusV3/") is None


@pytest.mark.parametrize("api", APIS, ids=lambda a: a.slug)
def test_every_code_the_gateway_can_answer_is_in_the_apis_table(api):
    codes = {r.code for r in api.result_codes}
    assert api.success.code in codes
    assert api.success.http_status == api.success_status
    if api.params:
        assert {"INS-20", "INS-21"} <= codes
    for param in api.params:
        assert param.error_code in codes, param.name
        if param.regex:
            re.compile(param.regex)
    for trigger in api.triggers:
        assert trigger.code in codes
        assert api.param(trigger.field) is not None


@pytest.mark.parametrize("api", APIS, ids=lambda a: a.slug)
def test_sample_request_passes_validation_in_every_market(api):
    from sandbox.validation import validate

    for slug in api.markets:
        body = api.sample_request(MARKETS[slug])
        assert validate(api, MARKETS[slug], body) is None, (slug, body)


def test_seed_apis_are_marked():
    assert {a.slug for a in APIS if a.is_seed} == {
        "c2bPayment",
        "reversal",
        "queryTransactionStatus",
    }
    assert get_api("reversal").accepted_methods == ("PUT", "POST")


def test_openapi_document_covers_every_api():
    document = openapi_document("http://testserver/sandbox")
    operation_ids = {
        op["operationId"] for path in document["paths"].values() for op in path.values()
    }
    assert operation_ids == {a.slug for a in APIS}
