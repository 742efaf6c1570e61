"""Every user-visible string of the scripts (static/js/*.js) is wrapped in gettext.

tests/i18n/untranslated_js.py says what counts as user-visible in a script; this file
runs it on every script of the portal (not static/vendor/, third-party code) and checks
the checker itself on small samples, so a change to it cannot silently let text through.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.untranslated_js import untranslated

SCRIPTS = Path(settings.BASE_DIR) / "static" / "js"


def test_the_scripts_are_found():
    names = {path.name for path in SCRIPTS.glob("*.js")}
    assert {"console.js", "reports.js", "samples.js", "profile.js", "passkeys.js"} <= names


def test_every_script_string_is_wrapped_in_gettext():
    found = [
        str(item) for path in sorted(SCRIPTS.glob("*.js")) for item in untranslated(path, path.name)
    ]
    assert found == [], "Wrap these in gettext() (docs/i18n.md):\n" + "\n".join(found)


# --- The checker itself ----------------------------------------------------------------


def _check(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "sample.js"
    path.write_text(source, encoding="utf-8")
    return [item.text for item in untranslated(path, path.name)]


@pytest.mark.parametrize(
    "source, expected",
    [
        ('button.textContent = "Copied";', ["Copied"]),
        ('done("Copied");', ["Copied"]),
        ('status.textContent = "Sent " + n + " calls";', ["Sent", "calls"]),
        ('throw new Error("your account has no key");', ["your account has no key"]),
        ('throw new Error("refused");', ["refused"]),
        ('el.textContent = ok ? "yes" : "no";', ["yes", "no"]),
        ('el.setAttribute("aria-label", "Server");', ["Server"]),
        ('el.setAttribute("aria-label", "views");', ["views"]),
        ('node.appendChild(document.createTextNode(" · just now"));', ["· just now"]),
        ('alert("saved");', ["saved"]),
        (
            'Plotly.newPlot("c", [{ type: "bar", name: "ok" }], { title: { text: "calls" } });',
            ["ok", "calls"],
        ),
        ("var label = `Copy failed`;", ["Copy failed"]),
        ('var a = x / 2; var b = "Retry later";', ["Retry later"]),
    ],
)
def test_the_checker_finds_unmarked_text(tmp_path, source, expected):
    assert _check(tmp_path, source) == expected


@pytest.mark.parametrize(
    "source",
    [
        '"use strict"; button.textContent = gettext("Copied");',
        'el.textContent = interpolate(gettext("Could not build the bearer: %s"), [e.message]);',
        'el.textContent = interpolate(ngettext("%s sample", "%s samples", n), [n]);',
        'el.textContent = "HTTP " + status + " · INS-0";',
        'el.textContent = "Bearer " + value;',
        'headers: { Authorization: "Bearer " + bearer, "Content-Type": "application/json" }',
        'fetch(url, { headers: { "X-CSRFToken": token, Accept: "application/json" } });',
        'if (event.key === "Home") next = tabs[0];',
        "document.querySelectorAll(\"main form [aria-invalid='true']\");",
        'window.matchMedia("(min-width: 900px)").matches;',
        'var words = { "Zoom in": gettext("Zoom in"), Pan: gettext("Pan") };',
        '// A comment: "Copied" is in a comment.\n/* and "Also here" */ var x = 1;',
        'var re = /(?:^|;\\s*)csrftoken=([^;]+)/; var c = "badge-success";',
        'document.addEventListener("DOMContentLoaded", go); if (e.name === "NotAllowedError") {}',
        "el.textContent = JSON.stringify(body, null, 2);",
        'newPlot("c", [{ type: "scatter", mode: "lines+markers", name: gettext("Average") }]);',
    ],
)
def test_the_checker_accepts_marked_text_and_code(tmp_path, source):
    assert _check(tmp_path, source) == []
