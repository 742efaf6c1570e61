"""The phone step (a signed-in developer confirms a phone number before anything else),
the developer's time zone, activated for every request, and their stored language."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

# Paths a developer without a confirmed phone may still reach. The gateway's routes
# (/sandbox/ipg/..., its OpenAPI document) authenticate by bearer, not by session, and
# answer in the M-Pesa envelope, never with a redirect; the admin has its own login; the
# health probe, static files and /.well-known/ (security.txt) carry no account data. The
# rest of /sandbox/ (the Callbacks pages) are ordinary session pages and wait for the
# phone like every other.
ALWAYS_OPEN_PREFIXES = (
    "/sandbox/ipg/",
    "/sandbox/openapi.json",
    "/admin/",
    "/healthz",
    "/.well-known/",
    "/i18n/",  # the language switcher
)


# The public documentation (anonymous visitors read it too) and the status page stay
# open; the docs' console (it builds a bearer from the developer's key) waits for the
# phone, like keys, reports and Go Live.
OPEN_DOCS_PREFIXES = ("/docs/", "/status/")
CLOSED_DOCS_PREFIXES = ("/docs/console/",)


class PhoneStepMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_add_phone(request):
            return redirect("accounts:phone-add")
        return self.get_response(request)

    def _must_add_phone(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        # Staff are M-Pesa employees working in the admin, not developers: no phone step.
        if user is None or not user.is_authenticated or user.is_staff:
            return False
        if user.has_confirmed_phone:
            return False
        return not _is_open(request.path)


def _is_open(path: str) -> bool:
    if path.startswith(OPEN_DOCS_PREFIXES) and not path.startswith(CLOSED_DOCS_PREFIXES):
        return True
    return path.startswith(_open_prefixes())


@lru_cache(maxsize=1)
def _open_prefixes() -> tuple[str, ...]:
    return (
        *ALWAYS_OPEN_PREFIXES,
        settings.STATIC_URL,
        reverse("accounts:phone-add"),  # every phone page lives under it
        reverse("account_logout"),
        # A link for a pending email change may be followed at any time.
        reverse("account_confirm_email", args=["x"]).rsplit("x", 1)[0],
    )


class TimeZoneMiddleware:
    """Every date of a signed-in developer's request renders in their time zone.

    Django converts aware datetimes to the *current* time zone in templates and forms;
    this activates the developer's (`User.time_zone`, UTC until they have one) for the
    request and goes back to the default after it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(ZoneInfo(user.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """A signed-in developer's stored language (User.language) wins over the cookie and
    Accept-Language that LocaleMiddleware looked at: every choice (the footer's switcher,
    My Profile's Language) is stored on the profile (accounts.languages), so a developer
    finds their language on any browser they sign in with."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if user is not None and user.is_authenticated and language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
