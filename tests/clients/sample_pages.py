"""Fetch a sample from an API page exactly as a signed-in developer sees it."""

from __future__ import annotations

import html
import re

from django.test import Client
from django.urls import reverse

from apis.docs import API_KEY_PLACEHOLDER


def sample_from_page(live_server, developer, slug: str, language: str, settings) -> str:
    # The page fills the samples with PUBLIC_BASE_URL: point it at the live test server.
    settings.PUBLIC_BASE_URL = live_server.url
    client = Client()
    client.force_login(developer)
    page = client.get(reverse("apis:api-detail", args=[slug])).content.decode()
    match = re.search(rf'<code id="code-{language}" class="sample-code">(.*?)</code>', page, re.S)
    assert match, f"no {language} sample on the {slug} page"
    assert developer.api_key_plaintext not in page
    return fill_in_key(client, html.unescape(match.group(1)))


def fill_in_key(client: Client, code: str) -> str:
    """What "Fill in my key" does in the browser: the key comes by POST, never in a page."""
    revealed = client.post(reverse("accounts:api-key-reveal"), HTTP_ACCEPT="application/json")
    return code.replace(API_KEY_PLACEHOLDER, revealed.json()["api_key"])
