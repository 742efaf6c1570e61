"""Project-wide middleware: the request log line and security headers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("portal.requests")

# Scripts and styles come only from the portal itself: no inline script, no CDN.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class RequestLogMiddleware:
    """One log line per request: method, path, status, duration in milliseconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            loggable_path(request),
            response.status_code,
            elapsed_ms,
        )
        return response


# URL arguments with these words in their names are one-time secrets (email activation
# and password-reset links): the log shows the URL pattern instead of their values.
_SECRET_ARGUMENTS = ("key", "token", "uid")


def loggable_path(request: HttpRequest) -> str:
    """The request path without query string (it may carry gateway parameters) and
    with secret URL arguments replaced by their pattern names."""
    match = getattr(request, "resolver_match", None)
    if match and any(word in name for name in match.kwargs for word in _SECRET_ARGUMENTS):
        return "/" + match.route
    return request.path


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every HTML page (Django 5.2 has no built-in CSP), and no
    caching of a signed-in user's pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A signed-in developer's pages show their API key (docs samples) and callback
            # signing secret (My Profile): no browser or proxy cache may keep a copy.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
