"""Checks behind /healthz: each returns None when healthy, or a short error text."""

from __future__ import annotations

import os
import uuid

from celery import current_app as app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

# When this web process (the portal and the sandbox gateway it serves) started.
PROCESS_STARTED = timezone.now()


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "unreachable"
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


def check_cache() -> str | None:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return None if ok else "cache did not return the value it was given"


def check_broker() -> str | None:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if settings.CELERY_BROKER_URL.startswith(("filesystem", "portalfs")):
        folder = options.get("data_folder_in", "")
        if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
            return f"broker folder {folder} is not writable"
        return None
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


def check_gateway() -> str | None:
    """The sandbox gateway is served by this process (sandbox/): it answers when its
    routes resolve and its database (keys, transactions) does."""
    from django.urls import Resolver404, resolve

    try:
        resolve("/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/")
    except Resolver404:
        return "the gateway's routes are not installed"
    return check_database()
