"""Query Beneficiary Name over real HTTP (reference §5.9): Ghana only."""

from __future__ import annotations

import pytest

from sandbox.models import ApiCall

PATH = "queryBeneficiaryName/"


def test_documented_sample_customer(gw):
    response = gw.call("GET", PATH, params=gw.sample("queryBeneficiaryName"))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["output_ResponseCode"] == "INS-0"
    assert (data["output_CustomerFirstName"], data["output_CustomerLastName"]) == ("Jiazhen", "Wuu")
    assert ApiCall.objects.get().operation == "queryBeneficiaryName"


def test_names_are_stable_per_msisdn(gw):
    params = gw.sample("queryBeneficiaryName", input_CustomerMSISDN="233501234567")
    first = gw.call("GET", PATH, params=params).json()
    second = gw.call("GET", PATH, params=params).json()
    assert first["output_CustomerFirstName"] == second["output_CustomerFirstName"]


def test_kyc_spelling_from_the_sample_query_string_is_accepted(gw):
    params = gw.sample("queryBeneficiaryName")
    params["input_KYCQueryType"] = params.pop("input_KycQueryType")
    response = gw.call("GET", PATH, params=params)
    assert response.status_code == 200
    assert response.json()["output_CustomerFirstName"]


@pytest.mark.parametrize(
    ("param", "value", "code"),
    [
        ("input_KycQueryType", "Address", "INS-32"),
        ("input_CustomerMSISDN", "12", "INS-2051"),
        ("input_KycQueryType", "", "INS-20"),
    ],
)
def test_validation_errors(gw, param, value, code):
    params = gw.sample("queryBeneficiaryName")
    params[param] = value
    response = gw.call("GET", PATH, params=params)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == code


def test_not_offered_outside_ghana(gw):
    params = gw.sample("queryBeneficiaryName", market="vodacomTZN")
    response = gw.call("GET", PATH, market="vodacomTZN", params=params)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-997"
