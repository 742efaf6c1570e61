"""The Celery application: configured from Django settings (CELERY_* names)."""

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun
from django.db import close_old_connections

import portal.broker  # noqa: F401  (registers the portalfs:// embedded broker transport)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Workers and beat log like the web processes (settings.LOGGING: LOG_FORMAT=json,
    the request id), instead of Celery's own handlers on the root logger."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@task_prerun.connect(weak=False)
@task_postrun.connect(weak=False)
def keep_database_connections(task: Any = None, **kwargs: Any) -> None:
    """Around each task, Django's rule for a request: keep the connection unless it is
    broken or older than CONN_MAX_AGE. Celery's own fixup would close it before and after
    every task (a new PostgreSQL connection per task, most of a callback delivery's
    time), and is told not to by CELERY_DB_REUSE_MAX (settings.py).

    An eager task runs inside its caller (a request, a test's transaction): the caller's
    connection is left alone, as the fixup leaves it.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    close_old_connections()
