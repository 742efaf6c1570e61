"""Runs last in tests/fuzz (file order): the whole fuzz run sent at least 10,000
generated requests to the gateway."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import BY_MODULE, MIN_REQUESTS_PER_RUN

HERE = Path(__file__).resolve()
FUZZ_MODULES = set(HERE.parent.glob("test_*.py")) - {HERE}


def test_the_fuzz_run_sent_at_least_10000_requests(request):
    ran = {Path(str(item.path)).resolve() for item in request.session.items}
    if not ran.issuperset(FUZZ_MODULES) or hasattr(request.config, "workerinput"):
        pytest.skip("only part of tests/fuzz ran in this process: nothing to total")
    # Generated requests only: not the hand-written regression and harness checks.
    generated = sum(
        count
        for module, count in BY_MODULE.items()
        if not module.endswith(("test_regressions.py", "test_harness.py"))
    )
    assert generated >= MIN_REQUESTS_PER_RUN, BY_MODULE
