"""The portal's languages (settings.LANGUAGES) and the one way a choice of one is kept,
whether it comes from the footer's switcher (`accounts.views.set_language`) or from My
Profile's Account tab (`dashboard.views.language_update`).

Which language a request is in is decided by the middleware (docs/i18n.md): a signed-in
developer's `User.language` (`UserLanguageMiddleware`), else the `django_language`
cookie, else the browser's Accept-Language (`LocaleMiddleware`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def is_offered(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def choose_language(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """Keep `language` (one of settings.LANGUAGES, already checked) as the visitor's choice.

    - the cookie LocaleMiddleware reads, written as Django's `set_language` writes it, so
      the choice holds for a visitor and after signing out;
    - for a signed-in developer, `User.language` too: it wins on any browser they sign
      in with, and their emails and SMS go out in it;
    - the rest of this request is in it, so a message added after this call is in the
      language just chosen."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    user = request.user
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    translation.activate(language)
    request.LANGUAGE_CODE = language
