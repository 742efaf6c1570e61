"""Fixtures of the callback tests: the gateway's client over real HTTP (a real worker
delivers the callbacks, so the calls commit) and the per-test cache reset of tests/sandbox
(a callback is the result of a gateway call)."""

import pytest

from tests.sandbox.conftest import Gateway, _clear_cache  # noqa: F401  (fixture used here)


@pytest.fixture
def gw(live_server, transactional_db, developer) -> Gateway:
    return Gateway(live_server.url, developer.api_key_plaintext)
