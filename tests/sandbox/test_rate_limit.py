"""The per-key rate limit (SANDBOX_RATE_LIMIT_PER_MINUTE) answers 429 in the envelope."""

from __future__ import annotations

from django.test import override_settings

from sandbox.models import ApiCall


@override_settings(SANDBOX_RATE_LIMIT_PER_MINUTE=3)
def test_calls_beyond_the_limit_are_refused_per_key(gw, other_gw):
    statuses = [gw.call("GET", "getSession/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = gw.call("GET", "getSession/")
    assert refused.json() == {
        "output_ResponseCode": "INS-16",
        "output_ResponseDesc": "Unable to handle the request due to a temporary overloading",
    }
    assert ApiCall.objects.count() == 3  # refused calls are not logged
    # Another developer's key has its own budget.
    assert other_gw.call("GET", "getSession/").status_code == 200
