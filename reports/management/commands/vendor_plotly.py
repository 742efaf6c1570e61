"""`manage.py vendor_plotly`: refresh static/vendor/plotly/ from the pinned npm package.

Copies plotly-basic.min.js (the partial "basic" bundle: scatter, bar and pie, all the
reports draw; 1.2 MB instead of the full bundle's 4.6 MB) and its LICENSE from the npm
package `plotly.js-basic-dist-min` (pinned in the Makefile's NODE_PACKAGES, installed
under var/node by `make node-deps`), and writes plotly.css: the style rules plotly.js
normally injects at run time, which the portal's CSP (style-src 'self', no inline
styles) blocks.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TARGET = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
PACKAGE = Path(settings.BASE_DIR) / "var" / "node" / "node_modules" / "plotly.js-basic-dist-min"
SOURCE = PACKAGE / "plotly-basic.min.js"
BUNDLE = "plotly-basic.min.js"
# In the bundle the rules are one object literal {"X,X div": '...', ...} whose keys use
# X for ".js-plotly-plot .plotly" and Y for ".plotly-notifier" (src/css/plotcss.js).
_OBJECT = re.compile(r'=\{("X,X div":.*?)\};for\(')
_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
_PAIR = re.compile(rf"(?:^|,)({_STRING}|[A-Za-z_$][\w$]*):({_STRING})")


def plotly_css(bundle: str) -> str:
    match = _OBJECT.search(bundle)
    if match is None:
        raise CommandError("the plotly bundle has no style-rule object: update vendor_plotly")
    version = re.search(r"plotly\.js v([\d.]+)", bundle)
    lines = [
        f"/* plotly.js v{version.group(1) if version else '?'} style rules, extracted from "
        f"{BUNDLE} by `manage.py vendor_plotly`:",
        "   under the portal's CSP (style-src 'self') plotly cannot inject them itself. */",
    ]
    for key, value in _PAIR.findall(match.group(1)):
        selector = (
            key.strip("\"'")
            .replace("X", ".js-plotly-plot .plotly")
            .replace("Y", ".plotly-notifier")
        )
        if selector.startswith(","):
            selector = " " + selector
        lines.append(f"{selector}{{{value[1:-1]}}}")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Copy plotly-basic.min.js from the pinned npm package and extract plotly.css."

    def handle(self, *args, **options) -> None:
        if not SOURCE.exists():
            raise CommandError(f"{SOURCE} is missing: run `make node-deps` first")
        TARGET.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE, TARGET / BUNDLE)
        shutil.copyfile(PACKAGE / "LICENSE", TARGET / "LICENSE")
        css = plotly_css(SOURCE.read_text(encoding="utf-8"))
        (TARGET / "plotly.css").write_text(css, encoding="utf-8")
        self.stdout.write(
            f"static/vendor/plotly/: {BUNDLE}, LICENSE and plotly.css ({css.count('{')} rules)"
        )
