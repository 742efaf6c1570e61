"""Every user-visible string of every template is marked for translation.

tests/i18n/untranslated.py says what counts as user-visible; this file runs it on every
template of the portal (templates/ and the apps' own templates/ folders) and checks the
checker itself on small samples, so a change to it cannot silently let text through.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.untranslated import untranslated

BASE = Path(settings.BASE_DIR)
# The project's template folders: TEMPLATES' DIRS and the portal's own apps (not the
# installed packages', which ship their own translations).
PORTAL_APPS = ("accounts", "apis", "callbacks", "dashboard", "golive", "ops", "reports")


def _template_roots() -> list[Path]:
    roots = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    roots += [
        BASE / app / "templates" for app in PORTAL_APPS if (BASE / app / "templates").is_dir()
    ]
    return roots


def _templates() -> list[tuple[Path, str]]:
    found = []
    for root in _template_roots():
        for path in sorted(root.rglob("*")):
            if path.suffix in {".html", ".txt"}:
                found.append((path, str(path.relative_to(BASE))))
    return found


def test_the_template_folders_are_found():
    names = {name for _, name in _templates()}
    assert "templates/base.html" in names
    assert "templates/emails/golive_approved_developer_body.txt" in names
    assert "golive/templates/admin/golive/goliverequest/reject.html" in names


def test_every_template_string_is_marked_for_translation():
    found = [str(item) for path, name in _templates() for item in untranslated(path, name)]
    assert found == [], "Mark these for translation ({% translate %}):\n" + "\n".join(found)


# --- The checker itself ----------------------------------------------------------------


def _check(tmp_path: Path, source: str, suffix: str = ".html") -> list[str]:
    path = tmp_path / f"sample{suffix}"
    path.write_text(source)
    return [item.text for item in untranslated(path, path.name)]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("<p>Hello there</p>", ["Hello there"]),
        ('<button title="Copy the key">⧉</button>', ["Copy the key"]),
        ('<input type="submit" value="Send it">', ["Send it"]),
        ('<img src="x.png" alt="Gateway diagram">', ["Gateway diagram"]),
        ('<nav aria-label="Main">…</nav>', ["Main"]),
        ("{% if x %}<h2>Calls {{ n }}</h2>{% endif %}", ["Calls 0"]),
        ("<p>{{ count }} deliver{{ count|pluralize }}</p>", ["0 deliver0"]),
    ],
)
def test_the_checker_finds_unmarked_text(tmp_path, source, expected):
    assert _check(tmp_path, source) == expected


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Hello there" %}</p>',
        "{% load i18n %}<p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>",
        '{% load i18n %}<a title="{% translate "Copy" %}">x</a>',
        "<td><code>input_Amount</code></td><td>INS-0</td><td>POST</td><td>200</td>",
        "<pre>curl -X POST https://example.com/ipg/v2/</pre>",
        '<script type="application/json">{"a": "text"}</script>',
        "<p>input_ThirdPartyConversationID · HTTP 201 · M-Pesa · application/json</p>",
        '<input type="text" value="prefilled by the server" name="q">',
        "{% comment %}A note for maintainers only.{% endcomment %}<p>{{ value }}</p>",
        '<div class="card wide" data-label="not shown">…</div>',
    ],
)
def test_the_checker_accepts_marked_text_and_protocol_tokens(tmp_path, source):
    assert _check(tmp_path, source) == []


def test_the_checker_reads_every_line_of_a_text_email(tmp_path):
    source = '{% load i18n %}{% translate "Hello" %}\n\nSee {{ url }}\n{{ url }}\n'
    assert _check(tmp_path, source, ".txt") == ["See 0"]
