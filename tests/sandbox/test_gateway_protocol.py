"""Protocol-level behaviour: envelope everywhere, headers, routing and the client
deviations of reference §7."""

from __future__ import annotations

import json

import pytest
import requests

from sandbox.models import ApiCall, Transaction

C2B = "c2bPayment/singleStage/"


def assert_sdk_parsable_headers(response: requests.Response) -> None:
    """What portalsdk does with every response (reference §7)."""
    json.loads(str(response.headers).replace("'", '"'))
    for name, value in response.headers.items():
        assert not set("'\"\\") & set(name + value), f"{name}: {value}"


def test_success_headers_are_parsable_by_the_official_sdk(gw):
    response = gw.c2b()
    assert response.status_code == 201
    assert_sdk_parsable_headers(response)
    assert response.headers["Content-Type"] == "application/json"
    assert "ETag" not in response.headers
    assert "'" not in response.headers.get("Content-Security-Policy", "")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/sandbox/ipg/v2/vodafoneGHA/noSuchApi/", 404, "INS-997"),
        ("GET", "/sandbox/ipg/v2/vodafoneKEN/getSession/", 400, "INS-998"),
        ("GET", "/sandbox/ipg/v3/vodafoneGHA/getSession/", 404, "INS-997"),
        ("GET", "/sandbox/ipg/v2/vodafoneGHA", 404, "INS-997"),
        ("DELETE", f"/sandbox/ipg/v2/vodafoneGHA/{C2B}", 405, "INS-21"),
        ("GET", "/sandbox/ipg/v2/vodacomTZN/queryBeneficiaryName/", 400, "INS-997"),
    ],
)
def test_errors_outside_any_api_are_envelopes(gw, method, path, status, code):
    response = gw.http.request(method, gw.base_url + path, headers={"Authorization": "x"})
    assert response.status_code == status
    data = response.json()
    assert data["output_ResponseCode"] == code and data["output_ResponseDesc"]
    assert_sdk_parsable_headers(response)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "getSession/", 400), ("POST", "c2bPayment/singleStage/", 401)],
)
def test_unauthorized_answer_has_parsable_headers(gw, method, path, status):
    response = gw.http.request(method, gw.url("vodafoneGHA", path))
    assert response.status_code == status
    assert_sdk_parsable_headers(response)


def test_malformed_json_is_a_400_envelope_and_logged(gw):
    response = gw.call("POST", C2B, data='{"input_Amount": "10",')
    assert response.status_code == 400
    data = response.json()
    assert data["output_ResponseCode"] == "INS-21"
    assert "JSON" in data["output_ResponseDesc"]
    assert ApiCall.objects.get().result_code == "INS-21"
    assert gw.call("POST", C2B, data="[1, 2]").status_code == 400


def test_missing_trailing_slash_is_accepted(gw):
    body = gw.sample("c2bPayment")
    response = gw.call("POST", C2B.rstrip("/"), json=body)
    assert response.status_code == 201
    assert Transaction.objects.count() == 1


def test_b2c_single_stage_alias_is_accepted(gw):
    body = gw.sample("b2cPayment")
    response = gw.call("POST", "b2cPayment/singleStage/", json=body)
    assert response.status_code == 201
    assert Transaction.objects.get().operation == "b2cPayment"


@pytest.mark.parametrize("host", ["openapi.m-pesa.com", "127.0.0.1", "sandbox.example.org:443"])
def test_any_host_header_reaches_the_gateway(gw, host):
    response = gw.call("GET", "getSession/", headers={"Host": host})
    assert response.status_code == 200, response.text


def test_portal_pages_still_check_the_host(gw):
    response = gw.http.get(gw.base_url + "/healthz", headers={"Host": "evil.example.com"})
    assert response.status_code == 400


def test_booleans_are_accepted_as_json_booleans(gw):
    """QueryDirectDebit's QueryBalanceAmount documented as "True"/"False" (§4)."""
    params = gw.sample("queryDirectDebit", input_QueryBalanceAmount=False)
    response = gw.call("GET", "queryDirectDebit/", json=params)
    assert response.status_code == 200, response.text


def test_openapi_document_is_generated_from_the_catalogue(gw):
    response = gw.http.get(gw.base_url + "/sandbox/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/ipg/v2/{market}/c2bPayment/singleStage/" in document["paths"]
    operation = document["paths"]["/ipg/v2/{market}/reversal/"]["put"]
    assert operation["operationId"] == "reversal"
    assert "201" in operation["responses"] and "409" in operation["responses"]
    assert document["servers"][0]["url"].endswith("/sandbox")


def test_bug_in_a_rule_still_answers_in_the_envelope(gw, monkeypatch):
    from sandbox import simulation

    def broken(call):
        raise RuntimeError("boom")

    # C2B's rule runs before the write transaction (PLANNED); both forms are broken here.
    monkeypatch.setitem(simulation.RULES, "c2bPayment", broken)
    monkeypatch.setitem(simulation.PLANNED, "c2bPayment", broken)
    response = gw.c2b()
    assert response.status_code == 500
    assert response.json()["output_ResponseCode"] == "INS-1"
    assert not ApiCall.objects.exists()  # the transaction rolled back with the error
