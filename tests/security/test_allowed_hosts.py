"""Finding 7: with DEBUG=0 the portal refuses ALLOWED_HOSTS='*' or empty, which would let
a client's Host header choose the links in password-reset emails."""

import pytest

from tests.security.production import run_manage


@pytest.mark.parametrize("hosts", ["*", "", "portal.example.com,*"])
def test_wildcard_or_empty_allowed_hosts_refuses_to_start(hosts):
    result = run_manage({"ALLOWED_HOSTS": hosts}, "check")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is empty or contains '*'" in result.stderr


def test_named_hosts_start():
    result = run_manage({"ALLOWED_HOSTS": "portal.example.com,www.portal.example.com"}, "check")

    assert result.returncode == 0, result.stderr[-2000:]
