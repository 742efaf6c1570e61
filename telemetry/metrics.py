"""The Prometheus metrics the processes count (prometheus-client).

Under gunicorn, PROMETHEUS_MULTIPROC_DIR is set (gunicorn.conf.py) before this module is
imported, so every worker writes its samples to files there and `/metrics` sums them
(ops.metrics). Labels take values from closed sets only (catalogue slugs, result codes,
outcomes): a client can never create a new series.

The gauges (outbox backlog, queue length, Go Live requests, heartbeat age) are not
here: ops.metrics computes them from the database at scrape time.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

GATEWAY_CALLS = Counter(
    "portal_gateway_calls",
    "Gateway calls answered, by market, API and result code.",
    ["market", "api", "code"],
)
GATEWAY_LATENCY = Histogram(
    "portal_gateway_latency_seconds",
    "Time the gateway took to answer a call, by API.",
    ["api"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
GATEWAY_RATE_LIMITED = Counter(
    "portal_gateway_rate_limited",
    "Gateway calls refused by the per-key rate limit (INS-16).",
)
BEARER_CACHE_HITS = Counter(
    "portal_bearer_cache_hits",
    "Bearers found in the bearer cache (no RSA operation).",
)
BEARER_RSA_DECRYPTIONS = Counter(
    "portal_bearer_rsa_decryptions",
    "Bearers not in the cache, decrypted with the gateway's RSA keys.",
)
CALLBACK_DELIVERIES = Counter(
    "portal_callback_deliveries",
    "Callback delivery attempts, by outcome: delivered, retry (failed, another attempt "
    "is scheduled) or failed (failed, no attempt left).",
    ["outcome"],
)


def callback_outcome(status: str) -> None:
    """Count one recorded delivery attempt, from the row's status after it."""
    outcome = {"delivered": "delivered", "failed": "failed"}.get(status, "retry")
    CALLBACK_DELIVERIES.labels(outcome=outcome).inc()
