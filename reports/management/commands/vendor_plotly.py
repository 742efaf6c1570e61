"""`manage.py vendor_plotly`: refresh static/vendor/plotly/ from the pinned plotly package.

Copies plotly.min.js from the installed `plotly` Python package (pinned in
requirements.txt) and writes plotly.css: the style rules plotly.js normally injects at
run time, which the portal's CSP (style-src 'self', no inline styles) blocks.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import plotly
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TARGET = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# In the bundle the rules are one object literal {"X,X div": '...', ...} whose keys use
# X for ".js-plotly-plot .plotly" and Y for ".plotly-notifier" (src/css/plotcss.js).
_OBJECT = re.compile(r'=\{("X,X div":.*?)\};for\(')
_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
_PAIR = re.compile(rf"(?:^|,)({_STRING}|[A-Za-z_$][\w$]*):({_STRING})")


def plotly_css(bundle: str) -> str:
    match = _OBJECT.search(bundle)
    if match is None:
        raise CommandError("plotly.min.js has no style-rule object: update vendor_plotly")
    version = re.search(r"plotly\.js v([\d.]+)", bundle)
    lines = [
        f"/* plotly.js v{version.group(1) if version else '?'} style rules, extracted from "
        "plotly.min.js by `manage.py vendor_plotly`:",
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
    help = "Copy plotly.min.js from the pinned plotly package and extract plotly.css."

    def handle(self, *args, **options) -> None:
        TARGET.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE, TARGET / "plotly.min.js")
        css = plotly_css(SOURCE.read_text(encoding="utf-8"))
        (TARGET / "plotly.css").write_text(css, encoding="utf-8")
        self.stdout.write(
            f"static/vendor/plotly/: plotly.min.js and plotly.css ({css.count('{')} rules)"
        )
