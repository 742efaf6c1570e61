"""The docs index, the getting-started guides and the interactive reference."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from accounts import keys
from apis.views import GUIDES
from catalog import all_apis

pytestmark = pytest.mark.django_db


def test_index_lists_every_api_guide_and_library_file(client):
    response = client.get(reverse("apis:index"))

    assert response.status_code == 200
    page = response.content.decode()
    for api in all_apis():
        assert reverse("apis:api-detail", args=[api.slug]) in page
        assert html.escape(api.name) in page
    for slug in GUIDES:
        assert reverse("apis:guide", args=[slug]) in page
    assert reverse("apis:library-java") in page and reverse("apis:library-python") in page
    assert reverse("apis:reference") in page


@pytest.mark.parametrize("topic", list(GUIDES))
def test_every_guide_renders(client, topic):
    response = client.get(reverse("apis:guide", args=[topic]))
    assert response.status_code == 200
    assert html.escape(GUIDES[topic][0]) in response.content.decode()


def test_without_library_guide_is_filled_for_the_developer(developer_client, developer):
    page = html.unescape(
        developer_client.get(reverse("apis:guide", args=["without-library"])).content.decode()
    )

    # The public key is filled in; the API key never is in GET HTML (Fill in my key, POST).
    assert developer.api_key_plaintext not in page and "YOUR_API_KEY" in page
    assert keys.current_keypair().public_key_b64 in page
    assert "/sandbox/ipg/v2/vodafoneGHA/getSession/" in page
    assert "PKCS1v15" in page and "RSA/ECB/PKCS1Padding" in page


def test_without_library_guide_shows_placeholders_when_anonymous(client, developer):
    page = client.get(reverse("apis:guide", args=["without-library"])).content.decode()
    assert "YOUR_API_KEY" in page and developer.api_key_plaintext not in page


def test_unknown_guide_is_404(client):
    assert client.get(reverse("apis:guide", args=["nothing-here"])).status_code == 404


def test_docs_pages_refuse_post(client):
    assert client.post(reverse("apis:index")).status_code == 405
    assert client.post(reverse("apis:guide", args=["keys"])).status_code == 405
    assert client.post(reverse("apis:reference")).status_code == 405


def test_reference_loads_vendored_swagger_ui_and_a_static_init_script(client):
    page = client.get(reverse("apis:reference")).content.decode()

    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "/static/vendor/swagger-ui/swagger-ui.css" in page
    assert "/static/js/swagger-init.js" in page
    assert f'data-spec-url="{reverse("apis:openapi-json")}"' in page
    assert "cdn" not in page.lower()


def test_openapi_document_describes_every_api_at_this_portal(client):
    response = client.get(reverse("apis:openapi-json"))

    assert response.status_code == 200
    document = response.json()
    assert document["servers"] == [{"url": "http://testserver/sandbox"}]
    operations = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert operations == {api.slug for api in all_apis()}


def test_no_docs_page_carries_the_api_key_in_its_get_html(developer_client, developer):
    """DESIGN.md, Credentials: never a key in a page's GET HTML ("Fill in my key" POSTs)."""
    pages = [reverse("apis:index"), reverse("apis:reference")]
    pages += [reverse("apis:guide", args=[slug]) for slug in GUIDES]
    pages += [reverse("apis:api-detail", args=[api.slug]) for api in all_apis()]
    for url in pages:
        response = developer_client.get(url)
        assert response.status_code == 200, url
        assert developer.api_key_plaintext not in response.content.decode(), url
