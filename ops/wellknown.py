"""/.well-known/ documents: security.txt (RFC 9116), how to report a vulnerability."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

# RFC 9116 asks for an Expires under a year ahead; generated per request, it never lapses
# while the portal runs, and a stale copy someone saved says when to look again.
SECURITY_TXT_LIFETIME = timedelta(days=180)


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    expires = (timezone.now() + SECURITY_TXT_LIFETIME).replace(microsecond=0)
    lines = [f"Contact: {contact}" for contact in settings.SECURITY_CONTACT]
    lines += [
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri(request.path)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
