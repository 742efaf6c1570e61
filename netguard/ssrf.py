"""SSRF protection for callback URLs (DESIGN.md, "Async callbacks").

A developer chooses the Asynchronous Response URL, and the portal POSTs to it from inside
our network, so the URL must not reach our own services: addresses that are private,
loopback, link-local (cloud metadata lives at 169.254.169.254), reserved, shared
(100.64/10), unspecified or multicast are refused, at save time and again at delivery
time. An IPv6 address that stands for an IPv4 one (mapped, compatible, NAT64) is judged
by that IPv4 address; 6to4 and Teredo tunnel addresses are refused.
`CALLBACK_ALLOW_PRIVATE_NETWORKS` (on in the embedded default, for a listener on the
developer's own machine) admits every unicast address.

No DNS rebinding: `resolve_callback_url` resolves the name once and returns the checked
address, and `callbacks.delivery` connects to exactly that address (Host header and TLS
SNI / certificate check still use the name).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeCallbackUrl(ValueError):
    """The URL is malformed, does not resolve, or resolves to a refused address."""


@dataclass(frozen=True)
class ResolvedUrl:
    """A callback URL and the one address it was checked against."""

    scheme: str
    hostname: str  # as written in the URL (IPv6 without brackets), lower case
    port: int
    ip: IPAddress
    target: str  # path and query, what goes on the request line

    @property
    def host_header(self) -> str:
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


# NAT64's well-known prefix (RFC 6052): 64:ff9b::a.b.c.d is a.b.c.d through the translator.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IPv4-compatible addresses (RFC 4291, deprecated): ::a.b.c.d, except :: and ::1 themselves.
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible or NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal_reason(ip: IPAddress, *, allow_private: bool) -> str:
    """Why `ip` may not receive callbacks ("" when it may)."""
    if isinstance(ip, ipaddress.IPv6Address):
        ip = _embedded_ipv4(ip) or ip  # judged by the IPv4 address it reaches
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if allow_private:
        return ""
    # 6to4 (2002::/16) and Teredo (2001::/32) tunnel to an embedded IPv4 address through
    # relays (2002:7f00:1:: reaches 127.0.0.1): no listener needs them, so refuse them all.
    if isinstance(ip, ipaddress.IPv6Address) and (ip.sixtofour or ip.teredo):
        return "a 6to4 or Teredo tunnel address"
    for label, flag in (
        ("a loopback address", ip.is_loopback),
        ("a link-local address", ip.is_link_local),
        ("a private network address", ip.is_private),
        ("a reserved address", ip.is_reserved),
    ):
        if flag:
            return label
    # Whatever else is not globally routable (e.g. the 100.64/10 carrier-grade NAT range).
    return "" if ip.is_global else "an address that is not publicly routable"


def _getaddrinfo(hostname: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def resolve_callback_url(url: str, *, allow_private: bool | None = None) -> ResolvedUrl:
    """Parse `url`, resolve its host once and check every address it resolves to.

    Raises UnsafeCallbackUrl. All addresses must pass (a name that resolves to one
    public and one private address is refused); the first one is used to connect.
    """
    if allow_private is None:
        allow_private = settings.CALLBACK_ALLOW_PRIVATE_NETWORKS
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeCallbackUrl(f"The URL is not valid ({exc}).") from exc
    if parts.scheme not in {"http", "https"}:
        raise UnsafeCallbackUrl("The URL must start with http:// or https://.")
    if not parts.hostname:
        raise UnsafeCallbackUrl("The URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeCallbackUrl("The URL may not contain a user name or password.")
    hostname = parts.hostname.lower()
    try:
        addresses = [ipaddress.ip_address(hostname)]
    except ValueError:
        try:
            addresses = [
                ipaddress.ip_address(a.split("%")[0]) for a in _getaddrinfo(hostname, port)
            ]
        except (OSError, UnicodeError) as exc:
            raise UnsafeCallbackUrl(f"The host name {hostname} could not be resolved.") from exc
    if not addresses:
        raise UnsafeCallbackUrl(f"The host name {hostname} could not be resolved.")
    for address in addresses:
        reason = refusal_reason(address, allow_private=allow_private)
        if reason:
            raise UnsafeCallbackUrl(
                f"{hostname} resolves to {address}, {reason}: callbacks may not be sent there."
            )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return ResolvedUrl(parts.scheme, hostname, port, addresses[0], target)


def validate_callback_url(url: str) -> None:
    """Django validator for the Asynchronous Response URL (run by the profile form,
    accounts.forms.AsyncResponseUrlForm). An empty value means "synchronous" and passes."""
    if not url:
        return
    try:
        resolve_callback_url(url)
    except UnsafeCallbackUrl as exc:
        raise ValidationError(str(exc), code="unsafe_callback_url") from exc
