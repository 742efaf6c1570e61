"""The scripts' translations (portal/jsi18n.py): every page loads the djangojs catalogue
of its language as a script file, before any page script (the CSP allows no inline
script), at an address that names the language and the catalogue's digest, cached for a
year."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from portal import jsi18n
from portal.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)


def _scripts(page: str) -> list[str]:
    """The src of every script element that runs (not json_script data)."""
    found = []
    for attributes, body in SCRIPT.findall(page):
        if 'type="application/json"' in attributes:
            continue
        src = re.search(r'src="([^"]+)"', attributes)
        assert src and not body.strip(), f"an inline script: {attributes} {body[:80]}"
        found.append(src.group(1))
    return found


@pytest.mark.parametrize("language", ["en", "fr", "pt", "sw"])
def test_a_page_loads_the_catalogue_of_its_language_before_its_scripts(language):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/docs/apis/c2bPayment/")
    scripts = _scripts(page.content.decode())
    expected = reverse("js-catalog", args=[language, jsi18n.catalogue(language).version])
    assert scripts[0] == expected
    assert any(src.endswith("/js/console.js") for src in scripts[1:])


def test_a_signed_in_developer_gets_the_catalogue_of_their_stored_language(client, developer):
    developer.language = "sw"
    developer.save(update_fields=["language"])
    client.force_login(developer)
    page = client.get(reverse("dashboard:profile"), HTTP_ACCEPT_LANGUAGE="fr")
    assert _scripts(page.content.decode())[0].startswith("/i18n/js/sw/")


@pytest.mark.parametrize(
    ("language", "copied", "cancelled"),
    [
        ("fr", "Copié", "L’étape de la clé d’accès a été annulée ou a expiré."),
        ("pt", "Copiado", "O passo da chave de acesso foi cancelado ou expirou."),
        ("sw", "Imenakiliwa", "Hatua ya ufunguo wa siri ilighairiwa au muda wake uliisha."),
    ],
)
def test_the_catalogue_holds_the_scripts_translations(client, language, copied, cancelled):
    response = client.get(jsi18n.catalogue_url(language))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Content-Language"] == language
    text = response.content.decode()
    assert f'"Copied": {json.dumps(copied)}' in text  # as JSON: "Copi\u00e9"
    assert json.dumps(cancelled)[1:-1] in text
    assert "django.gettext = function" in text and "django.interpolate" in text
    # The portal's own strings only: not the admin's djangojs catalogue.
    assert "Show all" not in text and "Choose all" not in text


def test_the_english_catalogue_is_empty_and_gettext_gives_the_english_back(client):
    text = client.get(jsi18n.catalogue_url("en")).content.decode()
    assert "django.catalog" in text and '"Copied"' not in text


def test_the_catalogue_is_cached_for_a_year_for_everyone(client, developer):
    client.force_login(developer)  # signed-in pages are no-store; the catalogue is not
    response = client.get(jsi18n.catalogue_url("fr"))
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_outdated_address_gets_the_current_catalogue_uncached(client):
    current = client.get(jsi18n.catalogue_url("fr"))
    response = client.get(reverse("js-catalog", args=["fr", "0123456789abcdef"]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    assert response.content == current.content


@pytest.mark.parametrize("language", ["de", "xx", "fr-ca"])
def test_a_language_the_portal_does_not_offer_is_not_found(client, language):
    response = client.get(reverse("js-catalog", args=[language, "0123456789abcdef"]))
    assert response.status_code == 404


def test_the_catalogue_answers_get_only(client):
    response = client.post(jsi18n.catalogue_url("fr"))
    assert response.status_code == 405


def test_the_csp_still_allows_no_inline_script():
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def _compiled(root, translation: str, mtime: int):
    folder = root / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "djangojs.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "Copied"\nmsgstr "{translation}"\n',
        encoding="utf-8",
    )
    mo = folder / "djangojs.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    os.utime(mo, (mtime, mtime))
    return root


def test_new_translations_change_the_address(tmp_path):
    """The digest follows the compiled catalogue. (Python's gettext keeps a file it has
    read; Django's autoreloader forgets them when a .mo changes, a deploy restarts.)"""
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext is not installed (apt-get install -y gettext)")
    with override_settings(LOCALE_PATHS=[_compiled(tmp_path / "a", "Copié", 1_000_000)]):
        first = jsi18n.catalogue("fr")
        assert jsi18n.catalogue("fr") is first  # rendered once while the files stay
    with override_settings(LOCALE_PATHS=[_compiled(tmp_path / "b", "Copié !", 2_000_000)]):
        second = jsi18n.catalogue("fr")
        url = jsi18n.catalogue_url("fr")
    assert '"Copied": "Copi\\u00e9 !"' in second.text.decode()
    assert second.version != first.version
    assert url == f"/i18n/js/fr/{second.version}.js"
    assert jsi18n.catalogue("fr").version not in {first.version, second.version}
