"""Finding 13: IPv6 addresses that carry an IPv4 address (6to4, Teredo, IPv4-mapped,
IPv4-compatible, NAT64) must not smuggle a callback into a private network."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from netguard import ssrf


@pytest.mark.parametrize(
    "url",
    [
        # 6to4: 2002:AABB:CCDD::/48 is the IPv4 address AA.BB.CC.DD.
        "http://[2002:7f00:1::]/cb",  # 127.0.0.1
        "http://[2002:a00:1::1]/cb",  # 10.0.0.1
        "http://[2002:a9fe:a9fe::]/latest/meta-data/",  # 169.254.169.254
        "http://[2002:808:808::1]/cb",  # even 8.8.8.8: a tunnel is never a listener
        # Teredo: 2001:0000::/32
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/cb",
        "http://[2001::1]/cb",
        # IPv4-mapped and IPv4-compatible
        "http://[::ffff:10.0.0.1]/cb",
        "http://[::ffff:169.254.169.254]/cb",
        "http://[::127.0.0.1]/cb",
        "http://[::10.0.0.1]/cb",
        "http://[::169.254.169.254]/cb",
        # NAT64, well-known prefix and local-use prefix (RFC 8215)
        "http://[64:ff9b::127.0.0.1]/cb",
        "http://[64:ff9b::10.0.0.1]/cb",
        "http://[64:ff9b::169.254.169.254]/cb",
        "http://[64:ff9b::192.168.1.1]/cb",
        "http://[64:ff9b:1::a00:1]/cb",
    ],
)
def test_tunnel_and_embedded_ipv4_addresses_are_refused(settings, url):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(ValidationError) as info:
        ssrf.validate_callback_url(url)

    assert "callbacks may not be sent there" in info.value.messages[0]


def test_6to4_and_teredo_are_named_in_the_message(settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False

    reason = ssrf.refusal_reason(ipaddress.ip_address("2002:808:808::1"), allow_private=False)

    assert reason == "a 6to4 or Teredo tunnel address"


def test_embedded_private_ipv4_is_named_as_such():
    reason = ssrf.refusal_reason(ipaddress.ip_address("64:ff9b::a00:1"), allow_private=False)

    assert reason == "a private network address"


@pytest.mark.parametrize("url", ["http://[64:ff9b::808:808]/cb", "http://[::ffff:8.8.8.8]/cb"])
def test_nat64_or_mapped_public_ipv4_is_judged_as_that_address(settings, url):
    # An IPv6-only network reaches public IPv4 listeners through NAT64.
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False

    ssrf.validate_callback_url(url)


def test_hostname_resolving_to_a_tunnel_address_is_refused(settings, monkeypatch):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    monkeypatch.setattr(ssrf, "_getaddrinfo", lambda host, port: ["2002:7f00:1::1"])

    with pytest.raises(ssrf.UnsafeCallbackUrl):
        ssrf.resolve_callback_url("https://listener.example.com/cb")


def test_plain_ipv6_public_and_the_special_addresses_keep_their_verdicts(settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    ssrf.validate_callback_url("http://[2606:4700:4700::1111]/cb")
    for refused in ("http://[::1]/cb", "http://[::]/cb"):
        with pytest.raises(ValidationError):
            ssrf.validate_callback_url(refused)
