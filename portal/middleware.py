"""Project-wide middleware: the request log line and security headers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver
from django.utils.cache import patch_vary_headers

from sandbox.middleware import GATEWAY_PREFIX

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


class GatewayShortcutMiddleware:
    """The gateway's requests skip the portal's page middleware (docs/performance.md).

    Placed right after the request log, the gateway metrics and the security headers,
    which every gateway answer keeps; a request under /sandbox/ipg/ that carries no
    session cookie is then resolved and answered here. Sessions, CSRF, authentication,
    messages, allauth and the phone step do nothing for such a request (the gateway
    authenticates by bearer and its views are CSRF-exempt), and what the skipped
    middleware add to its answer is added here in the same order: X-Frame-Options,
    Content-Length and `Vary: Cookie` (the session middleware's, as the security headers
    read the session's user). A request with a session cookie (the documentation
    console in a browser) takes the whole stack as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(GATEWAY_PREFIX) or (
            settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        match = get_resolver().resolve(request.path_info)
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        if response.get("X-Frame-Options") is None:
            response["X-Frame-Options"] = settings.X_FRAME_OPTIONS.upper()
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        patch_vary_headers(response, ("Cookie",))
        return response
