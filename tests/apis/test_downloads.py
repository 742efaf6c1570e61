"""The Postman collection and the OpenAPI download, generated from the catalogue.

The collection is replayed against the live server: every request's URL is a gateway
route, and the C2B request, sent as Postman would send it, answers INS-0.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import resolve, reverse

from accounts import keys
from apis.bearer import make_bearer
from catalog import MARKETS, all_apis
from sandbox import views as sandbox_views

POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def fill(text: str, variables: dict[str, str]) -> str:
    """What Postman does with {{name}} and the dynamic {{$timestamp}} / {{$randomInt}}."""
    dynamic = {
        "$timestamp": str(int(time.time())),
        "$randomInt": str(time.perf_counter_ns() % 1000),
    }

    def value(match: re.Match) -> str:
        name = match.group(1)
        return dynamic[name] if name in dynamic else variables[name]

    return re.sub(r"\{\{([^}]+)\}\}", value, text)


@pytest.fixture
def collection(client, db) -> dict:
    response = client.get(reverse("apis:postman-collection"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="mpesa-sandbox.postman_collection.json"'
    )
    return json.loads(response.content)


def test_the_collection_has_one_folder_per_api_with_its_request(collection):
    assert collection["info"]["schema"] == POSTMAN_SCHEMA
    assert collection["info"]["name"] and collection["info"]["_postman_id"]
    variables = {v["key"]: v["value"] for v in collection["variable"]}
    assert set(variables) >= {"baseUrl", "market", "bearer"}
    assert variables["baseUrl"] == "http://testserver/sandbox/ipg/v2"
    assert variables["market"] in MARKETS

    folders = {folder["name"]: folder for folder in collection["item"]}
    assert list(folders) == [api.name for api in all_apis()]
    for api in all_apis():
        (item,) = folders[api.name]["item"]
        request = item["request"]
        assert request["method"] == api.method
        assert request["url"]["raw"].startswith("{{baseUrl}}/{{market}}/" + api.path)
        headers = {h["key"]: h["value"] for h in request["header"]}
        assert headers["Authorization"] == "Bearer {{bearer}}"
        assert headers["Origin"] == "*"
        sent = (
            {q["key"]: q["value"] for q in request["url"].get("query", [])}
            if api.method == "GET"
            else json.loads(request["body"]["raw"])
        )
        required = {p.name for p in api.params if p.required}
        assert required <= set(sent), f"{api.name} misses {required - set(sent)}"


def test_every_request_url_resolves_to_the_gateway(collection):
    variables = {v["key"]: v["value"] for v in collection["variable"]}
    for folder in collection["item"]:
        for item in folder["item"]:
            url = fill(item["request"]["url"]["raw"], variables)
            match = resolve(urlsplit(url).path)
            assert match.func is sandbox_views.gateway, f"{folder['name']}: {url}"
            assert match.kwargs["market"] == variables["market"]


@pytest.mark.django_db(transaction=True)
def test_the_c2b_request_replayed_over_http_answers_ins_0(live_server, developer):
    document = requests.get(live_server.url + reverse("apis:postman-collection"), timeout=30)
    collection = document.json()
    variables = {v["key"]: v["value"] for v in collection["variable"]}
    assert variables["baseUrl"] == live_server.url + "/sandbox/ipg/v2"
    variables["bearer"] = make_bearer(
        developer.api_key_plaintext, keys.current_keypair().public_key_b64
    )
    folder = next(f for f in collection["item"] if f["name"] == "C2B Single Stage")
    request = folder["item"][0]["request"]

    response = requests.request(
        request["method"],
        fill(request["url"]["raw"], variables),
        headers={h["key"]: fill(h["value"], variables) for h in request["header"]},
        data=fill(request["body"]["raw"], variables).encode(),
        timeout=30,
    )

    assert response.status_code == 201, response.text
    assert response.json()["output_ResponseCode"] == "INS-0"


def test_openapi_is_offered_as_a_download(client, db):
    response = client.get(reverse("apis:openapi-json"), {"download": "1"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mpesa-sandbox-openapi.json"'
    assert json.loads(response.content)["openapi"].startswith("3.")
    # Without ?download the interactive reference still reads it inline.
    assert "Content-Disposition" not in client.get(reverse("apis:openapi-json"))


def test_the_docs_index_links_both_downloads(client, db):
    page = client.get(reverse("apis:index")).content.decode()

    assert (
        f'href="{reverse("apis:postman-collection")}" download>Download Postman collection' in page
    )
    assert f'href="{reverse("apis:openapi-json")}?download=1" download>Download OpenAPI' in page
