"""What the documentation pages need, derived from the catalogue (never written twice).

The catalogue (`catalog`) says what each API is; this module adds where it is for
the reader of a page: the sandbox and live Resource URLs, the credentials to fill the
samples and the console with, and the developer's recent calls.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

from accounts import keys
from catalog import MARKETS, Api, Market, Param
from sandbox.models import ApiCall

API_KEY_PLACEHOLDER = "YOUR_API_KEY"
PUBLIC_KEY_PLACEHOLDER = "YOUR_PUBLIC_KEY"
SANDBOX_PREFIX = "/sandbox/ipg/v2"
RECENT_CALLS = 10
# What one request or response of the "last calls" panel shows at most: the log is
# bounded already (sandbox.calllog), this bounds the page whatever an old row holds.
RECENT_CALL_CHARS = 4000


@dataclass(frozen=True)
class Endpoint:
    """A Resource URL split the way the seed's context declares it."""

    ssl: bool
    address: str
    port: int
    path: str

    @property
    def scheme(self) -> str:
        return "https" if self.ssl else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.address}:{self.port}{self.path}"


@dataclass(frozen=True)
class Credentials:
    """The API key and public key a page shows in its samples.

    The API key is always the placeholder: a page's GET HTML never carries the plaintext
    (DESIGN.md, Credentials). `can_fill_key` says the reader may fetch theirs by POST
    ("Fill in my key", static/js/samples.js). The public key is public: signed-in readers
    get the real one."""

    api_key: str
    public_key: str
    is_placeholder: bool
    can_fill_key: bool = False


def _split_base(base_url: str) -> tuple[bool, str, int, str]:
    parts = urlsplit(base_url)
    ssl = parts.scheme == "https"
    port = parts.port or (443 if ssl else 80)
    return ssl, parts.hostname or "localhost", port, parts.path.rstrip("/")


def sandbox_base_url(request: HttpRequest) -> str:
    """This portal's own address: PUBLIC_BASE_URL, else the host the page was asked on."""
    return settings.PUBLIC_BASE_URL or f"{request.scheme}://{request.get_host()}"


def sandbox_endpoint(request: HttpRequest, api: Api, market: Market) -> Endpoint:
    ssl, address, port, prefix = _split_base(sandbox_base_url(request))
    return Endpoint(ssl, address, port, f"{prefix}{SANDBOX_PREFIX}/{market.slug}/{api.path}")


def live_endpoint(api: Api, market: Market) -> Endpoint:
    # LIVE_BASE_URL ends before the market: https://openapi.m-pesa.com:443/openapi/ipg/v2
    ssl, address, port, prefix = _split_base(settings.LIVE_BASE_URL)
    return Endpoint(ssl, address, port, f"{prefix}/{market.slug}/{api.path}")


def gateway_path(api: Api, market: Market) -> str:
    """The path the console fetches: relative, so the call stays same-origin (CSP)."""
    return f"{SANDBOX_PREFIX}/{market.slug}/{api.path}"


def markets_of(api: Api) -> list[Market]:
    return [MARKETS[slug] for slug in api.markets if slug in MARKETS]


def credentials_for(user) -> Credentials:
    """The current public key for a signed-in developer; the API key stays a placeholder."""
    if not user.is_authenticated:
        return Credentials(API_KEY_PLACEHOLDER, PUBLIC_KEY_PLACEHOLDER, True)
    public_key = keys.current_keypair().public_key_b64
    has_key = keys.active_api_key(user) is not None
    return Credentials(API_KEY_PLACEHOLDER, public_key, not has_key, can_fill_key=has_key)


def fresh_length(param: Param) -> int:
    """How many random hex characters a `fresh` value gets (within the regex's limit)."""
    match = re.search(r"\{1,(\d+)\}", param.regex or "")
    return min(int(match.group(1)), 32) if match else 20


def fresh_params(api: Api) -> dict[str, int]:
    """Parameters whose values must be new on every request, with their length."""
    return {p.name: fresh_length(p) for p in api.params if p.fresh}


def param_format(param: Param) -> str:
    """The "format" column of the parameters table."""
    if param.check == "country":
        return "the market's country code"
    if param.check == "currency" and not param.regex:
        return "the market's currency"
    return param.regex or "N/A"


def recent_calls(user, api: Api):
    """The developer's latest calls of this API, newest first (served by the index
    sandbox_apicall_user_created)."""
    if not user.is_authenticated:
        return ApiCall.objects.none()
    return ApiCall.objects.filter(user=user, operation=api.slug).order_by("-created_at")[
        :RECENT_CALLS
    ]


def recent_call_json(value) -> str:
    """A logged request or response, pretty-printed for the "last calls" panel and cut
    at RECENT_CALL_CHARS characters (saying how much was left out)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    if len(text) <= RECENT_CALL_CHARS:
        return text
    hidden = len(text) - RECENT_CALL_CHARS
    return f"{text[:RECENT_CALL_CHARS]}\n… ({hidden} more characters not shown)"
