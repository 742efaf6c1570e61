"""The gateway's row helpers: precompiled inserts and updates, rows read by hand-written
queries, and the write transaction.

`insert(obj)` writes a new model instance with a cached `INSERT ... VALUES` per
connection and model: the row is the one `obj.save(force_insert=True)` writes (every
value goes through the field's own `pre_save` and `get_db_prep_save`), without the ORM
compiling an INSERT that never changes shape (about an eighth of a gateway call,
docs/performance.md). An instance that needs the ORM (an expression as a value, or a
pre_save/post_save receiver for its model) is saved by the ORM. `update(obj, fields)`
is `obj.save(update_fields=fields)` the same way.

`columns(model, alias)` and `instances(conn, row, *models)` serve the gateway's few
hand-written SELECTs (the credential's state check, the transaction a status query or a
reversal names): the column list of a model, and model instances made of one row of
raw values, converted as the ORM converts them.

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

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]
from django.db.models import Model
from django.db.models.expressions import Col
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)


def statement_cursor(conn):
    """A cursor for the gateway's fixed statements (the hand-written SELECTs, the
    precompiled INSERTs and UPDATEs of this module).

    On PostgreSQL it binds its parameters on the server, so that psycopg prepares a
    statement once a connection has run it `prepare_threshold` times (DATABASES
    OPTIONS, portal/settings.py): PostgreSQL then parses and plans it once per
    connection, not on every call (planning the state check took longer than running
    it, docs/performance.md). Django's own cursors bind on the client, which psycopg
    never prepares: the rest of the portal is unchanged. It is Django's cursor wrapper
    all the same (database errors, query capture in tests, DEBUG's query log).
    Elsewhere: Django's cursor."""
    if conn.vendor != "postgresql":
        return conn.cursor()
    # What conn.cursor() does, with the class Django's own `server_side_binding` option
    # would choose for every cursor.
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        return conn._prepare_cursor(ServerBindingCursor(conn.connection))


def _for(cache: weakref.WeakKeyDictionary, conn) -> dict:
    """What `cache` keeps for this database connection (one per thread): the statements
    and plans built for it, forgotten with the connection."""
    kept = cache.get(conn)
    if kept is None:
        kept = cache[conn] = {}
    return kept


# Per connection and model: (sql, fields, pk field, returns the pk).
_INSERTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _insert_plan(conn, model: type[Model]) -> tuple[str, list, Any, bool]:
    plans = _for(_INSERTS, conn)
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


def _values(conn, obj: Model, fields: list) -> list | None:
    """The parameters of `obj`'s INSERT, or None when the ORM must save it (a
    pre_save/post_save receiver for its model, or an expression as a value)."""
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        return None
    values = []
    for field in fields:
        value = field.pre_save(obj, add=True)
        if hasattr(value, "resolve_expression"):
            return None
        values.append(field.get_db_prep_save(value, connection=conn))
    return values


def _inserted(obj: M, pk: Any, auto_field: Any, using: str) -> M:
    if auto_field is not None:
        setattr(obj, auto_field.attname, pk)
    obj._state.adding = False
    obj._state.db = using
    return obj


def _all_values(conn, objs: list[Model], plans: list) -> list | None:
    """The parameters of the INSERTs of `objs` one after the other (`_values` of each),
    or None when one of them must be saved by the ORM."""
    params: list = []
    for obj, (_, fields, _, _) in zip(objs, plans, strict=True):
        values = _values(conn, obj, fields)
        if values is None:
            return None
        params += values
    return params


def _all_inserted(objs: list[Model], pks, plans: list, using: str) -> None:
    for obj, pk, (_, _, auto_field, _) in zip(objs, pks, plans, strict=True):
        _inserted(obj, pk, auto_field, using)


def _with_keys(clauses: list[str], inserts: int) -> str:
    """`WITH <clauses> SELECT (SELECT * FROM r0), ...`: one statement of the WITH
    clauses, answering the primary keys its `inserts` INSERT clauses r0, r1, ...
    returned."""
    keys = ", ".join(f"(SELECT * FROM r{i})" for i in range(inserts))  # noqa: S608
    return f"WITH {', '.join(clauses)} SELECT {keys}"


def insert(obj: M, *, using: str = DEFAULT_DB_ALIAS) -> M:
    """INSERT `obj` (new, unsaved) as `obj.save(force_insert=True)` would; return it."""
    conn = connections[using]
    sql, fields, auto_field, returning = _insert_plan(conn, type(obj))
    values = _values(conn, obj, fields)
    if values is None:
        obj.save(force_insert=True, using=using)
        return obj
    pk = None
    with statement_cursor(conn) as cursor:
        cursor.execute(sql, values)
        if auto_field is not None:
            if returning:
                pk = cursor.fetchone()[0]
            else:
                pk = conn.ops.last_insert_id(cursor, type(obj)._meta.db_table, auto_field.column)
    return _inserted(obj, pk, auto_field, using)


# Per connection and tuple of models: the one statement of `insert_all`.
_TOGETHER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def insert_all(objs: list[Model], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT every object of `objs` (new, unsaved, in order) or none of them, as
    `insert` each inside `write_transaction()` would.

    On PostgreSQL it is one statement (each INSERT a data-modifying WITH clause, then
    the primary keys SELECTed; one row alone: its INSERT), so a constraint that refuses
    any row refuses them all. Outside a transaction PostgreSQL runs that statement as a
    transaction of its own, committed as durably as by COMMIT (synchronous_commit on):
    one round trip where BEGIN, each INSERT and COMMIT took one each
    (docs/performance.md); inside the caller's transaction a refused row aborts it, as
    `insert` does (the caller rolls back). Elsewhere (SQLite; a row that needs the ORM)
    each row is inserted in `write_transaction()`, or in the caller's transaction when
    there is one."""
    conn = connections[using]
    if conn.vendor == "postgresql" and len(objs) > 1:
        plans = [_insert_plan(conn, type(obj)) for obj in objs]
        params = _all_values(conn, objs, plans)
        if params is not None:
            with statement_cursor(conn) as cursor:
                cursor.execute(_together(conn, objs, plans), params)
                pks = cursor.fetchone()
            _all_inserted(objs, pks, plans, using)
            return
    if conn.vendor == "postgresql" and len(objs) == 1:
        insert(objs[0], using=using)  # one statement: atomic, and committed if need be
        return
    if conn.in_atomic_block:
        for obj in objs:
            insert(obj, using=using)
        return
    with write_transaction(using):
        for obj in objs:
            insert(obj, using=using)


def _together(conn, objs: list[Model], plans: list) -> str:
    """The one statement of `insert_all` for these models, in this order."""
    together = _for(_TOGETHER, conn)
    models = tuple(type(obj) for obj in objs)
    sql = together.get(models)
    if sql is None:
        quote = conn.ops.quote_name
        clauses = [
            # Each INSERT returns its primary key (with an auto field it does).
            f"r{i} AS ({insert_sql}"
            + ("" if returns else f" RETURNING {quote(model._meta.pk.column)}")
            + ")"
            for i, (model, (insert_sql, _, _, returns)) in enumerate(
                zip(models, plans, strict=True)
            )
        ]
        sql = together[models] = _with_keys(clauses, len(plans))
    return sql


# Per connection, guard statement and tuple of models: the one statement of `insert_all_if`.
_GUARDED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def insert_all_if(
    guard: str, guard_params: list, objs: list[Model], *, using: str = DEFAULT_DB_ALIAS
) -> bool | None:
    """PostgreSQL only: run `guard`, a data-modifying statement with a RETURNING clause
    (a conditional UPDATE), then INSERT every object of `objs` (new, unsaved, in order)
    only if it returned a row, all in one statement: like `insert_all`, it commits by
    itself outside a transaction, and a constraint that refuses any row refuses the
    guard's change with it (IntegrityError). Returns True when written, False when the
    guard returned no row (nothing is written), None when a row needs the ORM (nothing
    is run: the caller writes another way)."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        raise NotImplementedError("insert_all_if: one statement needs PostgreSQL")
    plans = [_insert_plan(conn, type(obj)) for obj in objs]
    params = _all_values(conn, objs, plans)
    if params is None:
        return None
    with statement_cursor(conn) as cursor:
        cursor.execute(_guarded(conn, guard, objs, plans), [*guard_params, *params])
        pks = cursor.fetchone()
    if pks[0] is None:
        return False
    _all_inserted(objs, pks, plans, using)
    return True


def _guarded(conn, guard: str, objs: list[Model], plans: list) -> str:
    """The one statement of `insert_all_if`: `WITH g AS (guard), r0 AS (INSERT ...
    SELECT ... WHERE EXISTS (SELECT 1 FROM g) RETURNING pk), r1 AS (... FROM r0) ...
    SELECT (SELECT pk FROM r0), ...`: each INSERT runs only if the one before it wrote."""
    guarded = _for(_GUARDED, conn)
    models = tuple(type(obj) for obj in objs)
    sql = guarded.get((guard, models))
    if sql is None:
        quote = conn.ops.quote_name
        clauses, before = [f"g AS ({guard})"], "g"
        for i, (model, (_, fields, _, _)) in enumerate(zip(models, plans, strict=True)):
            meta = model._meta
            pk = quote(meta.pk.column)
            columns = ", ".join(quote(f.column) for f in fields)
            # In INSERT ... SELECT a parameter is typed by the value sent (what psycopg
            # makes of a Python int, string or None), not by its column as in VALUES:
            # each is cast to its column's type, so that the columns decide, as in
            # `insert`.
            values = ", ".join(f"CAST(%s AS {_cast_type(conn, f)})" for f in fields)
            clauses.append(
                f"r{i} AS (INSERT INTO {quote(meta.db_table)} ({columns})"  # noqa: S608
                f" SELECT {values} WHERE EXISTS (SELECT 1 FROM {before}) RETURNING {pk})"
            )
            before = f"r{i}"
        sql = guarded[(guard, models)] = _with_keys(clauses, len(plans))
    return sql


def _cast_type(conn, field) -> str:
    """The column type of `field` for an explicit CAST, without a character length: an
    explicit cast to varchar(n) cuts a longer value, where the INSERT (an assignment)
    refuses it, as `insert` does."""
    db_type = field.db_type(conn)
    return "varchar" if db_type.startswith("varchar(") else db_type


_UPDATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def update(obj: M, fields: tuple[str, ...], *, using: str = DEFAULT_DB_ALIAS) -> M:
    """UPDATE the columns of `fields` of `obj` (saved before) as
    `obj.save(update_fields=fields)` would; return it. `fields` are attribute names
    of concrete, non-primary-key fields; a model with a pre_save/post_save receiver,
    or a value that is an expression, goes through the ORM."""
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        obj.save(update_fields=fields, using=using)
        return obj
    conn = connections[using]
    plans = _for(_UPDATES, conn)
    plan = plans.get((model, fields))
    if plan is None:
        meta = model._meta
        chosen: list[Any] = [meta.get_field(name) for name in fields]
        quote = conn.ops.quote_name
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in chosen)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        plan = plans[(model, fields)] = (sql, chosen)
    sql, chosen = plan
    values = []
    for field in chosen:
        value = field.pre_save(obj, add=False)
        if hasattr(value, "resolve_expression"):
            obj.save(update_fields=fields, using=using)
            return obj
        values.append(field.get_db_prep_save(value, connection=conn))
    with statement_cursor(conn) as cursor:
        cursor.execute(sql, [*values, obj.pk])
        if cursor.rowcount == 0:  # as the ORM's save(update_fields=...) refuses it
            raise DatabaseError("Save with update_fields did not affect any rows.")
    return obj


# --- Hand-written SELECTs ---------------------------------------------------------------


def columns(model: type[Model], alias: str) -> str:
    """`alias."column", ...` of every concrete field of `model`, in `instances`' order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


# Per database connection (one per thread) and model: each column's attribute name and
# the converters the ORM would apply to it. Building them costs about 0.5 ms a call;
# looking them up, microseconds.
_LOADS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _load_plan(conn, model: type[Model]) -> list[tuple[str, Col, list]]:
    plans = _for(_LOADS, conn)
    plan = plans.get(model)
    if plan is None:
        plan = []
        for field in model._meta.concrete_fields:
            column = field.get_col(model._meta.db_table)
            converters = conn.ops.get_db_converters(column) + column.get_db_converters(conn)
            plan.append((field.attname, column, converters))
        plans[model] = plan
    return plan


def instances(conn, row, *models: type[Model]) -> list:
    """Model instances from one row of raw column values (`columns` of one model after
    the other), converted as the ORM converts them (JSON, decimals, times and booleans
    come back from SQLite as text or numbers). Values past the last model's are ignored."""
    made, start = [], 0
    for model in models:
        plan = _load_plan(conn, model)
        names, values = [], []
        for (attname, column, converters), value in zip(
            plan, row[start : start + len(plan)], strict=True
        ):
            for convert in converters:
                value = convert(value, column, conn)
            names.append(attname)
            values.append(value)
        made.append(model.from_db(conn.alias, names, values))
        start += len(plan)
    return made


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


def in_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the caller holds a transaction (an atomic block) on this database."""
    return connections[using].in_atomic_block


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
