"""Fixtures of the fuzz run: a developer's gateway with its cached bearer, no rate limit."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import Gateway


@pytest.fixture
def gateway(client, developer, settings) -> Gateway:
    # Thousands of calls a minute on one key: the per-key limit would turn most answers
    # into 429s and hide the code paths behind it (the limit has its own tests).
    settings.SANDBOX_RATE_LIMIT_PER_MINUTE = 10**9
    # Likewise the per-address budget of failed authentications: fuzzing sends thousands
    # of garbage bearers from 127.0.0.1, after which a fresh valid bearer would be
    # refused unread (tests/security/test_bearer_failures.py tests the budget).
    settings.SANDBOX_AUTH_FAILURES_PER_MINUTE = 10**9
    return Gateway(client, developer.api_key_plaintext)


def pytest_terminal_summary(terminalreporter):
    from tests.fuzz.harness import BY_MODULE, REQUESTS

    if REQUESTS["sent"]:
        terminalreporter.write_line(f"fuzz: {REQUESTS['sent']} gateway requests sent")
        for module, count in sorted(BY_MODULE.items()):
            terminalreporter.write_line(f"  {module}: {count}")
