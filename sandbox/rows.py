"""The gateway's two write helpers: precompiled inserts and the write transaction.

`insert(obj)` writes a new model instance with a cached `INSERT ... VALUES` per
connection and model: the row is the one `obj.save(force_insert=True)` writes (every
value goes through the field's own `pre_save` and `get_db_prep_save`), without the ORM
compiling an INSERT that never changes shape (about an eighth of a gateway call,
docs/performance.md). An instance that needs the ORM (an expression as a value, or a
pre_save/post_save receiver for its model) is saved by the ORM.

`write_transaction()` is `transaction.atomic()`; on SQLite it first queues the writer:
threads of one process on a lock, processes on an advisory file lock next to the
database. SQLite's own busy handler makes a waiting writer sleep with a back-off (up to
100 ms a wait), so under concurrency a lock window of a millisecond turned into
latencies of hundreds; a queued writer wakes as soon as the lock is free. Both locks only
order writers: SQLite's lock (`BEGIN IMMEDIATE`) is still what makes the transaction
safe, and writers that do not queue here (portal pages, workers) wait on it as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)

# Per connection (one per thread) and model: (sql, fields, pk field, returns the pk).
_INSERTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _insert_plan(conn, model: type[Model]) -> tuple[str, list, Any, bool]:
    plans = _INSERTS.get(conn)
    if plans is None:
        plans = _INSERTS[conn] = {}
    plan = plans.get(model)
    if plan is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        quote = conn.ops.quote_name
        # Table and column names come from the model; every value is a parameter.
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        returning = meta.auto_field is not None and conn.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {quote(meta.pk.column)}"
        plan = plans[model] = (sql, fields, meta.auto_field, returning)
    return plan


def insert(obj: M, *, using: str = DEFAULT_DB_ALIAS) -> M:
    """INSERT `obj` (new, unsaved) as `obj.save(force_insert=True)` would; return it."""
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        obj.save(force_insert=True, using=using)
        return obj
    conn = connections[using]
    sql, fields, auto_field, returning = _insert_plan(conn, model)
    values = []
    for field in fields:
        value = field.pre_save(obj, add=True)
        if hasattr(value, "resolve_expression"):
            obj.save(force_insert=True, using=using)  # an expression: the ORM compiles it
            return obj
        values.append(field.get_db_prep_save(value, connection=conn))
    with conn.cursor() as cursor:
        cursor.execute(sql, values)
        if auto_field is not None:
            if returning:
                pk = cursor.fetchone()[0]
            else:
                pk = conn.ops.last_insert_id(cursor, model._meta.db_table, auto_field.column)
            setattr(obj, auto_field.attname, pk)
    obj._state.adding = False
    obj._state.db = using
    return obj


# --- The write transaction ------------------------------------------------------------

_THREADS = threading.Lock()
# (process id, database file) -> an open file descriptor of its lock file. Per process: a
# descriptor inherited through fork shares its flock with the parent.
_LOCK_FILES: dict[tuple[int, str], int] = {}
_LOCK_FILES_GUARD = threading.Lock()


def _lock_file(conn) -> int | None:
    """The descriptor of the database's lock file, or None (in-memory database)."""
    name = str(conn.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    key = (os.getpid(), name)
    fd = _LOCK_FILES.get(key)
    if fd is None:
        with _LOCK_FILES_GUARD:
            fd = _LOCK_FILES.get(key)
            if fd is None:
                fd = _LOCK_FILES[key] = os.open(f"{name}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    return fd


@contextlib.contextmanager
def _queued(conn) -> Iterator[None]:
    with _THREADS:
        fd = _lock_file(conn)
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_transaction(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """`transaction.atomic()`, with writers queued first on SQLite (outermost only)."""
    conn = connections[using]
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        with transaction.atomic(using=using):
            yield
        return
    with _queued(conn), transaction.atomic(using=using):
        yield
