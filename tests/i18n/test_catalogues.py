"""The French, Portuguese and Swahili catalogues are complete and up to date: django.po
(Python and templates) and djangojs.po (the scripts, static/js/*.js).

- complete: no entry is untranslated or fuzzy, and every placeholder of the English
  text (%(name)s, {seconds}, HTML tags) is kept in the translation;
- up to date: `makemessages`, run on a copy of the sources in a temporary folder, finds
  exactly the msgids the committed .po files hold (a string marked since, or removed,
  fails until `make makemessages` is run and the new entries are translated).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from catalog import all_apis
from tests.i18n.po import Entry, read

BASE = Path(settings.BASE_DIR)
LANGUAGES = ("fr", "pt", "sw")
DOMAINS = ("django", "djangojs")
# What `make makemessages` leaves out (the Makefile's MAKEMESSAGES_IGNORE).
IGNORED = ["tests", "var", "sdk", "bench", "staticfiles", "static", "docs", "deploy"]
# What its djangojs run leaves out, read from the Makefile: everything but static/js.
JS_IGNORED = re.search(
    r"^MAKEMESSAGES_JS_IGNORE := (.*)$", (BASE / "Makefile").read_text(), re.MULTILINE
)[1].split()
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
TAG = re.compile(r"</?([a-z]+)")


def catalogue(language: str, domain: str = "django") -> Path:
    return BASE / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def test_the_portal_offers_english_and_the_markets_languages():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "fr", "pt", "sw"]
    assert settings.LOCALE_PATHS == [BASE / "locale"]
    middleware = settings.MIDDLEWARE
    locale = middleware.index("django.middleware.locale.LocaleMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language, domain):
    entries = [e for e in read(catalogue(language, domain)) if not e.obsolete]
    assert len(entries) > (1000 if domain == "django" else 50)
    untranslated = [e.msgid for e in entries if not e.translated]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text)) + sorted(TAG.findall(text))


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_and_tag(language, domain):
    wrong = []
    for entry in read(catalogue(language, domain)):
        if entry.obsolete:
            continue
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        for index, translation in enumerate(entry.msgstr):
            source = sources[min(index, 1)]
            if _placeholders(source) != _placeholders(translation):
                wrong.append(f"{source!r} -> {translation!r}")
    assert wrong == [], "\n".join(wrong[:20])


def _active(entries: list[Entry]) -> set[tuple[str, str]]:
    return {e.key for e in entries if not e.obsolete}


def test_the_catalogues_hold_exactly_the_marked_strings(tmp_path, monkeypatch):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext is not installed (apt-get install -y gettext)")
    copy = tmp_path / "portal"
    shutil.copytree(
        BASE,
        copy,
        ignore=shutil.ignore_patterns(".*", "__pycache__", "node_modules", *IGNORED[:2], "*.mo"),
        symlinks=True,
    )
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            add_location="file",
            ignore_patterns=[f"{folder}/*" for folder in IGNORED],
            verbosity=0,
        )
        call_command(
            "makemessages",
            domain="djangojs",
            locale=list(LANGUAGES),
            add_location="file",
            ignore_patterns=JS_IGNORED,
            verbosity=0,
        )
    for domain in DOMAINS:
        for language in LANGUAGES:
            committed = _active(read(catalogue(language, domain)))
            current = _active(read(copy / "locale" / language / "LC_MESSAGES" / f"{domain}.po"))
            where = f"{language}/{domain}.po"
            assert current - committed == set(), f"{where}: not in the .po yet (make makemessages)"
            assert committed - current == set(), f"{where}: no longer marked in the sources"


def test_the_scripts_catalogue_is_read_from_static_js_only():
    assert "static/vendor/*" in JS_IGNORED and "staticfiles/*" in JS_IGNORED
    assert not any(pattern.startswith("static/js") for pattern in JS_IGNORED)
    sources = set()
    for language in LANGUAGES:
        for line in catalogue(language, "djangojs").read_text(encoding="utf-8").splitlines():
            if line.startswith("#: "):
                sources |= set(line[3:].split())
    assert sources and all(source.startswith("static/js/") for source in sources), sources


def test_the_api_catalogues_prose_is_in_every_translation_catalogue():
    """The API pages translate the catalogue's prose when they show it ({% translate %}
    of a variable): each summary, description, note and field description must be an
    entry, or it would silently stay English."""

    prose: set[str] = set()
    for api in all_apis():
        prose |= {api.summary, api.description, *api.notes}
        prose |= {p.description for p in api.params}
        prose |= {f.description for f in (*api.response_fields, *api.callback_fields)}
    for language in LANGUAGES:
        msgids = {e.msgid for e in read(catalogue(language)) if not e.obsolete}
        assert sorted(prose - msgids) == [], language
