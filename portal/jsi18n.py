"""The scripts' translations: the `djangojs` catalogue as a script file (docs/i18n.md).

Every page loads `/i18n/js/<language>/<version>.js` (base.html, before any page script):
Django's JavaScriptCatalog output, which defines `gettext`, `ngettext`, `interpolate`
and `get_format` for static/js/*.js. The CSP allows scripts from the portal only
(portal/middleware.py), so the catalogue is a file of its own, never an inline script.

The address names the language and a digest of the catalogue's text, so the answer is
the same for everyone who asks for it and is cached for a year (`immutable`); new
translations (a deploy, `make messages`) change the digest and so the address the pages
ask for. An address with an outdated digest (a page rendered before the change) still
gets the current catalogue, uncached.

Only the portal's own catalogue (LOCALE_PATHS) is read: the admin's and other installed
packages' djangojs strings are not the portal's scripts' and would only weigh on every
page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

DOMAIN = "djangojs"
YEAR_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class Catalogue:
    language: str
    text: bytes
    version: str


class _Renderer(JavaScriptCatalog):
    """JavaScriptCatalog reading the portal's own djangojs files only."""

    def render(self, language: str) -> bytes:
        with translation.override(language):
            self.translation = DjangoTranslation(
                language, domain=DOMAIN, localedirs=[str(path) for path in settings.LOCALE_PATHS]
            )
            return self.render_to_response(self.get_context_data()).content


# language -> (the compiled files' modification times, the catalogue they gave). The
# times are checked on each use (one stat per file), so `make messages` under a running
# dev server is picked up without a restart.
_cache: dict[str, tuple[tuple[float, ...], Catalogue]] = {}


def _compiled_files(language: str) -> tuple[float, ...]:
    times = []
    for root in settings.LOCALE_PATHS:
        path = Path(root) / translation.to_locale(language) / "LC_MESSAGES" / f"{DOMAIN}.mo"
        times.append(path.stat().st_mtime if path.exists() else 0.0)
    return tuple(times)


def catalogue(language: str) -> Catalogue:
    """The rendered catalogue of one of settings.LANGUAGES."""
    stamp = _compiled_files(language)
    cached = _cache.get(language)
    if cached and cached[0] == stamp:
        return cached[1]
    text = _Renderer().render(language)
    found = Catalogue(language, text, hashlib.sha256(text).hexdigest()[:16])
    _cache[language] = (stamp, found)
    return found


def catalogue_url(language: str) -> str:
    """The address of the catalogue of `language` (the page's), with its digest."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    found = catalogue(language)
    return reverse("js-catalog", args=[language, found.version])


@require_GET
def javascript_catalog(request: HttpRequest, language: str, version: str) -> HttpResponse:
    if language not in dict(settings.LANGUAGES):
        raise Http404
    found = catalogue(language)
    response = HttpResponse(found.text, content_type="text/javascript; charset=utf-8")
    response["Content-Language"] = language
    if version == found.version:
        response["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    return response
