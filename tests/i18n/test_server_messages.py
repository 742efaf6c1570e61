"""The server's messages that pages and the partner API show are in the reader's
language: a PermissionDenied's message on the 403 page, form validators' messages and
the partner API's errors (its codes stay English). The gateway's answers stay as the
protocol says, whatever the language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catalog import get_api, get_market
from tests.reports.conftest import bearer_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title", "reason"),
    [
        ("en", "Not allowed", "Staff accounts do not get API keys."),
        ("fr", "Accès refusé", "Les comptes du personnel ne reçoivent pas de clés API."),
        ("sw", "Hairuhusiwi", "Akaunti za wafanyakazi hazipewi funguo za API."),
    ],
)
def test_the_403_page_says_why_in_the_readers_language(staff_reviewer, language, title, reason):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(staff_reviewer)
    response = client.get(reverse("accounts:api-key-renew"))
    assert response.status_code == 403
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert f"<p>{reason}</p>" in page
    assert f'<html lang="{language}">' in page


def test_a_validators_message_is_translated(developer):
    client = Client(HTTP_ACCEPT_LANGUAGE="pt")
    client.force_login(developer)
    response = client.post(
        reverse("reports:report-generate"),
        {"range": "today", "key": str(developer.api_key.public_id), "result_code": "INS 0'"},
    )
    assert response.status_code == 400
    assert "Apenas letras, dígitos e hífenes." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "message", "field"),
    [
        ("en", "Some parameters are not valid.", "Must not be before date_from."),
        ("fr", "Certains paramètres ne sont pas valides.", "Ne doit pas précéder date_from."),
        ("pt", "Alguns parâmetros não são válidos.", "Não pode ser anterior a date_from."),
    ],
)
def test_the_partner_apis_errors_follow_accept_language(developer, language, message, field):
    client = Client(
        HTTP_AUTHORIZATION=bearer_for(developer.api_key_plaintext),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    response = client.get(
        reverse("reports:api-calls"), {"date_from": "2026-11-30", "date_to": "2026-11-01"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", message)
    assert error["fields"]["date_to"] == [field]


def test_the_gateways_answers_stay_in_the_protocols_words(developer):
    api, market = get_api("c2bPayment"), get_market("vodafoneGHA")
    body = api.sample_request(market)
    del body["input_Amount"]
    response = Client(HTTP_ACCEPT_LANGUAGE="fr").post(
        f"/sandbox/ipg/v2/{market.slug}/{api.path}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer_for(developer.api_key_plaintext),
        HTTP_ORIGIN="*",
    )
    answer = response.json()
    assert answer["output_ResponseCode"] == "INS-20"
    assert answer["output_ResponseDesc"] == "Not All Parameters Provided. Please try again."
