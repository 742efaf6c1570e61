"""gunicorn's configuration (Dockerfile, docker-compose.yml, tests, bench): Prometheus's
multiprocess mode.

Each worker process writes its metric samples to files in PROMETHEUS_MULTIPROC_DIR and
/metrics sums them (ops/metrics.py). The variable is set here, in the master, before
any worker imports prometheus_client; the folder is emptied when gunicorn starts (old
processes' counts would otherwise be added to the new ones), and a worker that exits is
marked dead so its live gauges stop counting.
"""

import os
import shutil
from pathlib import Path

_var = Path(os.environ.get("PORTAL_VAR_DIR") or Path(__file__).resolve().parent / "var")
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_var / "metrics"))

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# No gunicorn access log: its lines carry paths and query strings verbatim (reset and
# activation keys, gateway MSISDNs). The portal's own request log (portal.requests) is
# the access log, redacted (issue 18, finding 2; docs/security.md).
accesslog = None


def on_starting(server):
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
