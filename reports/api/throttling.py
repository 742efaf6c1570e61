"""Rate limit of the partner API (issue 18, finding 10): requests per API key.

Counted in the default cache, which production shares between workers (Redis; settings
refuse to start without it), so the limit holds across every web process. A refusal is
429 in the API's error shape, with Retry-After.
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class PartnerKeyThrottle(SimpleRateThrottle):
    scope = "partner"

    def get_cache_key(self, request, view) -> str | None:
        credential = request.auth
        api_key = getattr(credential, "api_key", None)
        if api_key is None:
            # Unauthenticated requests are refused with 401 before throttling; count any
            # other caller by address.
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": f"key-{api_key.pk}"}
