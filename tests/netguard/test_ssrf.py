"""SSRF protection of callback URLs: at save time (the validator) and at delivery time
(the pinned connection)."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from netguard import ssrf


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/cb",
        "http://10.0.0.1/cb",
        "http://172.16.5.4/cb",
        "http://192.168.1.10:8080/cb",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/cb",
        "http://[fd00::1]/cb",
        "http://[::ffff:127.0.0.1]/cb",
        "http://100.64.0.1/cb",
        "http://0.0.0.0/cb",
        "http://224.0.0.1/cb",
        "http://240.0.0.1/cb",
    ],
)
def test_refuses_non_public_addresses_when_private_networks_are_not_allowed(settings, url):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(ValidationError) as info:
        ssrf.validate_callback_url(url)
    assert "callbacks may not be sent there" in info.value.messages[0]


def test_public_address_is_accepted(settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    ssrf.validate_callback_url("https://93.184.215.14/mpesa/callback")
    resolved = ssrf.resolve_callback_url("https://93.184.215.14:8443/cb?x=1")
    assert resolved.ip == ipaddress.ip_address("93.184.215.14")
    assert resolved.target == "/cb?x=1"
    assert resolved.host_header == "93.184.215.14:8443"


def test_private_networks_allowed_by_setting(settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    ssrf.validate_callback_url("http://127.0.0.1:8120/cb")
    ssrf.validate_callback_url("http://10.0.0.1/cb")
    # Multicast and unspecified addresses are never a listener.
    with pytest.raises(ValidationError):
        ssrf.validate_callback_url("http://224.0.0.1/cb")
    with pytest.raises(ValidationError):
        ssrf.validate_callback_url("http://0.0.0.0/cb")


def test_hostname_resolving_to_private_address_is_refused(settings, monkeypatch):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    # DNS is the outer boundary: a name whose records include an internal address.
    monkeypatch.setattr(ssrf, "_getaddrinfo", lambda host, port: ["93.184.215.14", "10.1.2.3"])
    with pytest.raises(ValidationError) as info:
        ssrf.validate_callback_url("https://listener.example.com/cb")
    assert "10.1.2.3" in info.value.messages[0]


def test_unresolvable_hostname_is_refused(settings, monkeypatch):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False

    def fail(host, port):
        raise OSError("Name or service not known")

    monkeypatch.setattr(ssrf, "_getaddrinfo", fail)
    with pytest.raises(ValidationError, match="could not be resolved"):
        ssrf.validate_callback_url("https://nowhere.invalid/cb")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://93.184.215.14/cb", "http:// or https://"),
        ("https://user:pw@93.184.215.14/cb", "user name or password"),
        ("http:///cb", "no host name"),
        ("http://93.184.215.14:99999/cb", "not valid"),
    ],
)
def test_malformed_urls_are_refused(url, message):
    with pytest.raises(ValidationError, match=message):
        ssrf.validate_callback_url(url)


def test_empty_url_means_synchronous_and_passes():
    ssrf.validate_callback_url("")
