"""The docs search: a GET form and a results page built from the catalogue and guides."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from apis.search import MAX_QUERY_LENGTH
from catalog import all_apis

pytestmark = pytest.mark.django_db

SEARCH = reverse("apis:search")


def results(client, query: str):
    response = client.get(SEARCH, {"q": query})
    page = html.unescape(response.content.decode())
    # The results' links, in order (the page's only ordered list of results).
    marker = '<ol class="search-results">'
    block = page.split(marker, 1)[1].split("</ol>", 1)[0] if marker in page else ""
    links = re.findall(r'<li>\s*<a href="([^"]+)">(?:<code>)?([^<]+)', block)
    return response, page, links


def test_a_parameter_name_finds_it_in_every_api_first(client):
    response, _page, links = results(client, "input_ThirdPartyConversationID")

    assert response.status_code == 200
    assert links, "no results"
    assert links[0] == (
        "/docs/apis/c2bPayment/#param-input_ThirdPartyConversationID",
        "input_ThirdPartyConversationID",
    )
    having = [api for api in all_apis() if api.param("input_ThirdPartyConversationID")]
    # First the parameter's row in each API that has it, then what only mentions it.
    first = links[: len(having)]
    assert [url for url, _title in first] == [
        reverse("apis:api-detail", args=[api.slug]) + "#param-input_ThirdPartyConversationID"
        for api in having
    ]
    assert all(title == "input_ThirdPartyConversationID" for _url, title in first)


def test_a_parameter_name_without_its_prefix_finds_it_too(client):
    _response, _page, links = results(client, "thirdpartyconversationid")
    assert links[0][1] == "input_ThirdPartyConversationID"


def test_an_api_name_lists_the_api_page_above_what_only_mentions_it(client):
    _response, _page, links = results(client, "Reversal")

    assert links[0] == ("/docs/apis/reversal/", "Reversal")
    assert len(links) > 1  # its parameters and the guides mentioning it follow


def test_a_result_code_finds_the_code_rows(client):
    _response, page, links = results(client, "INS-10")

    assert links[0][1] == "INS-10"
    assert links[0][0].endswith("#result-INS-10")
    assert "Result code" in page


def test_title_matches_rank_above_description_matches(client):
    _response, _page, links = results(client, "asynchronous")

    titles = [title for _url, title in links]
    assert titles[0] == "Asynchronous"  # the guide's heading
    assert "Synchronous and asynchronous calls" in titles[:3]


def test_a_guide_word_finds_the_guide_section(client):
    _response, _page, links = results(client, "PKCS1Padding")

    assert ("/docs/getting-started/without-library/#java", "Java (JDK only)") in links


def test_an_empty_query_asks_for_a_word(client):
    response, page, links = results(client, "   ")

    assert response.status_code == 200
    assert links == []
    assert "Type a word to search for" in page


def test_no_match_says_so_and_offers_the_apis_and_guides(client):
    response, page, links = results(client, "zzqqxx")

    assert response.status_code == 200
    assert links == []
    assert "Nothing in the docs matches “zzqqxx”" in page
    assert reverse("apis:api-detail", args=["c2bPayment"]) in page
    assert reverse("apis:guide", args=["register"]) in page


def test_a_very_long_query_is_refused_with_a_clear_message(client):
    response, page, links = results(client, "a" * 5000)

    assert response.status_code == 400
    assert links == []
    assert f"Your search is too long: use at most {MAX_QUERY_LENGTH} characters" in page


@pytest.mark.parametrize(
    "query",
    ["<script>alert(1)</script>", "input_(Amount", "[INS-*", "\\", "%", "' OR 1=1 --", "é中文"],
)
def test_odd_characters_answer_a_page_not_an_error(client, query):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_null_character_is_refused_clearly(client):
    response = client.get(SEARCH, {"q": "input\x00Amount"})

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_the_docs_menu_has_the_search_box(client):
    page = client.get(reverse("apis:api-detail", args=["c2bPayment"])).content.decode()

    assert f'action="{SEARCH}"' in page and 'role="search"' in page
    assert '<label for="docs-search-q">Search the docs</label>' in page


def test_the_guides_are_searched_in_the_pages_language(client):
    # The guides' text is marked for translation: the index holds it as a reader of the
    # page's language sees it, and English pages keep their own index.
    client.cookies["django_language"] = "fr"
    _response, _page, links = results(client, "asynchrone")
    assert [title for _url, title in links[:2]] == [
        "Asynchrone",
        "Appels synchrones et asynchrones",
    ]

    client.cookies["django_language"] = "sw"
    _response, _page, links = results(client, "PKCS1Padding")
    assert ("/docs/getting-started/without-library/#java", "Java (JDK pekee)") in links

    client.cookies["django_language"] = "en"
    _response, _page, links = results(client, "PKCS1Padding")
    assert ("/docs/getting-started/without-library/#java", "Java (JDK only)") in links


def test_the_search_page_has_one_search_box(client):
    """The docs menu's box is left out on the results page: its own form is the one."""
    page = client.get(SEARCH, {"q": "reversal"}).content.decode()

    assert page.count('role="search"') == 1
    assert page.count('name="q"') == 1
    assert 'id="docs-search-q"' not in page
    assert '<label for="id_q">Search the docs</label>' in page
    assert 'value="reversal"' in page
    # The rest of the docs menu is still there.
    assert "Docs menu" in page and "/docs/reference/" in page
