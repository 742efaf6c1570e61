"""The scripts' messages are in the page's language: they read them from data attributes
the server renders (static/js/passkeys.js, static/js/copy-param.js), as a script file
cannot hold translations."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _attributes(page: str, element_id: str) -> dict[str, str]:
    tag = re.search(rf'<div id="{element_id}"[^>]*>', page, re.DOTALL)
    assert tag, f"no #{element_id} on the page"
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'(data-[a-z-]+)="([^"]*)"', tag.group(0))
    }


@pytest.mark.parametrize(
    ("language", "cancelled"),
    [
        ("en", "The passkey step was cancelled or timed out."),
        ("fr", "L’étape de la clé d’accès a été annulée ou a expiré."),
        ("pt", "O passo da chave de acesso foi cancelado ou expirou."),
        ("sw", "Hatua ya ufunguo wa siri ilighairiwa au muda wake uliisha."),
    ],
)
def test_the_passkey_error_messages_are_in_the_pages_language(language, cancelled):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/accounts/login/")
    messages = _attributes(response.content.decode(), "passkey-error")
    assert set(messages) == {
        "data-cancelled",
        "data-already-registered",
        "data-insecure",
        "data-unsupported",
        "data-failed",
    }
    assert messages["data-cancelled"].startswith(cancelled)
    assert all(messages.values())
