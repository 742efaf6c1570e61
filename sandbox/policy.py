"""What the caller's application refuses before a call runs (docs/gateway.md,
"Applications"; reference §1, §8): trusted sources, strict mode's credential rules,
products and the usage-time window. The limits on money are checked later, inside the
call's transaction (sandbox.limits).

Every check reads the application loaded with the credential (sandbox.auth: the same
query as the state check), so none of them costs a query.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Application
from catalog import common
from sandbox.simulation.base import GatewayCall

GET_SESSION = "getSession"
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Refusal:
    """A result code the API's catalogue table lists, and the description to answer
    with (empty: the catalogue's)."""

    code: str
    description: str = ""


def refusal(call: GatewayCall, request: HttpRequest) -> Refusal | None:
    """Why the application refuses this call, in the order a caller should learn it:
    where it comes from, what credential it carries, which API, when."""
    application = call.credential.application
    if application.trusted_sources and not is_trusted(
        client_address(request), application.trusted_sources
    ):
        return Refusal(common.SOURCE_NOT_TRUSTED.code)
    if application.strict_mode and (wrong := strict_credential_refusal(call)):
        return wrong
    if call.api.slug == GET_SESSION:
        return None  # not a product: every application may open a session
    if call.api.slug in application.disabled_apis:
        return Refusal("INS-997")
    if _has_usage_time(call) and not within_usage_time(application, timezone.now()):
        return Refusal("INS-996")
    return None


def client_address(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or the X-Forwarded-For entry
    TRUSTED_PROXY_COUNT hops from the right when the portal runs behind that many
    proxies of its own. The same helper the sign-in rate limits use (allauth's), so the
    two never disagree. None when it cannot be known (no address, or fewer forwarded
    entries than proxies declared: the request did not come through them)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


def is_trusted(address: str | None, sources: list[str]) -> bool:
    """Whether `address` is in one of the IP addresses or CIDR ranges `sources`."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # "::ffff:10.0.0.1" from a dual-stack socket
    return any(ip in network for network in _networks(tuple(sources)))


@lru_cache(maxsize=1024)
def _networks(sources: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    """Parsed once per distinct list (keyed by its content, so an edited list is parsed
    again). An entry that does not parse is skipped: a list of nothing but bad entries
    still refuses every caller (fail closed). The settings form refuses such entries."""
    networks = []
    for source in sources:
        try:
            networks.append(ipaddress.ip_network(str(source).strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def strict_credential_refusal(call: GatewayCall) -> Refusal | None:
    """Strict mode's credential rules (docs/gateway.md): getSession takes the API key
    only (pypesa's reuse bug, §7, fails against production with INS-989); every other
    call needs a session (§3.3 step 2), issued in the URL's market."""
    credential = call.credential
    if call.api.slug == GET_SESSION:
        return Refusal("INS-989") if credential.is_session else None
    if credential.session is None:
        return Refusal("INS-2", common.STRICT_SESSION_REQUIRED)
    if credential.session.market and credential.session.market != call.market.slug:
        return Refusal("INS-2", common.STRICT_SESSION_MARKET)
    return None


def _has_usage_time(call: GatewayCall) -> bool:
    """The APIs whose table lists INS-996: every transactional and query API except
    Query Direct Debit (§8)."""
    return any(r.code == "INS-996" for r in call.api.result_codes)


def within_usage_time(application: Application, now: datetime) -> bool:
    """Whether `now` falls in the application's usage window, read on the wall clock of
    its `usage_timezone`: start inclusive, end exclusive. No window (either end unset):
    always. A start after the end wraps midnight (22:00-06:00)."""
    start, end = application.usage_start, application.usage_end
    if start is None or end is None:
        return True
    local = now.astimezone(application_zone(application)).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def application_zone(application: Application) -> ZoneInfo:
    """The application's time zone (usage window, per-customer days); UTC if the stored
    name is unknown to this machine's zone database."""
    try:
        return ZoneInfo(application.usage_timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
