"""Fixtures of the callback tests: the live gateway's client and the per-test cache reset
of tests/sandbox (a callback is the result of a gateway call)."""

from tests.sandbox.conftest import _clear_cache, gw  # noqa: F401  (fixtures used here)
