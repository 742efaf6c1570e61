"""Celery signals: the request id travels with the tasks a request causes, and a worker
can serve its own metrics (its counters, e.g. callback outcomes, live in its processes).

Connected in OpsConfig.ready, so web processes (publishers) and workers both have them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun, worker_init
from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

from telemetry import context

HEADER = "request_id"

_tokens: dict[str, Any] = {}


@before_task_publish.connect(weak=False)
def add_request_id(headers: dict | None = None, **kwargs: Any) -> None:
    """The publishing request's (or task's) id goes into the message headers."""
    request_id = context.current()
    if headers is not None and request_id:
        headers.setdefault(HEADER, request_id)


@task_prerun.connect(weak=False)
def restore_request_id(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    request_id = getattr(task.request, HEADER, None) if task is not None else None
    if context.acceptable(request_id):
        _tokens[task_id] = context.request_id.set(request_id)  # type: ignore[arg-type]


@task_postrun.connect(weak=False)
def clear_request_id(task_id: str = "", **kwargs: Any) -> None:
    # Only what prerun set is undone: an eager task inside a request keeps its id.
    token = _tokens.pop(task_id, None)
    if token is not None:
        context.request_id.reset(token)


@worker_init.connect(weak=False)
def serve_worker_metrics(**kwargs: Any) -> None:
    """METRICS_WORKER_PORT set: the worker answers Prometheus on that port (an internal
    bind: the compose network only; no token)."""
    if not settings.METRICS_WORKER_PORT:
        return
    registry: Any = REGISTRY
    if folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # A fresh count per worker start, as gunicorn.conf.py does for web.
        for stale in Path(folder).glob("*.db"):
            stale.unlink(missing_ok=True)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    start_http_server(settings.METRICS_WORKER_PORT, addr="0.0.0.0", registry=registry)  # noqa: S104
