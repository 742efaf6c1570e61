"""Gateway-specific request handling that must run before Django's own middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

GATEWAY_PREFIX = "/sandbox/ipg/"


def _fallback_host() -> str:
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*":
            return host.lstrip(".")
    return "localhost"


class GatewayHostMiddleware:
    """Let any Host header reach the gateway (reference §3.4, §7).

    Client libraries send `Host: openapi.m-pesa.com` (hard-coded) or the bare address
    without its port. ALLOWED_HOSTS still protects the portal's pages (password-reset
    links are built from the host); the gateway builds no URL from the host, so for
    gateway paths an unknown host is replaced by an allowed one before Django checks it.
    The original value is kept in META["HTTP_X_ORIGINAL_HOST"].
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(GATEWAY_PREFIX):
            try:
                request.get_host()
            except DisallowedHost:
                request.META["HTTP_X_ORIGINAL_HOST"] = request.META.get("HTTP_HOST", "")
                request.META["HTTP_HOST"] = _fallback_host()
                request.META.pop("HTTP_X_FORWARDED_HOST", None)
        return self.get_response(request)
