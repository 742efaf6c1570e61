"""Fixtures of the callback tests: the gateway's client over real HTTP (a real worker
delivers the callbacks, so the calls commit), a developer's local receiver, and the
per-test cache reset of tests/sandbox (a callback is the result of a gateway call)."""

import pytest

from tests.callbacks.callback_receiver import Receiver
from tests.factories import set_async_url
from tests.sandbox.conftest import Gateway, _clear_cache  # noqa: F401  (fixture used here)


@pytest.fixture
def gw(live_server, transactional_db, developer) -> Gateway:
    return Gateway(live_server.url, developer.api_key_plaintext)


@pytest.fixture
def receiver(developer, settings):
    """A local receiver, the developer's Asynchronous Response URL (loopback allowed)."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    with Receiver() as receiver:
        set_async_url(developer, receiver.url)
        yield receiver
