"""The request log's read side: a developer's gateway calls, filtered, searched, paged,
and one call's lifecycle (its payment, reversals, the queries that found it, callbacks).

Every query starts from `calls_of(user)` so that no one sees another developer's calls;
every search compares an indexed column or expression (sandbox.ApiCall's Meta names the
index each one uses; bench/requestlog.py times them over 1,000,000 calls).
"""

from __future__ import annotations

import functools
import json
import shlex
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from callbacks.models import CallbackDelivery
from sandbox.models import ApiCall, Transaction
from sandbox.models.calllog import request_text

PAGE_SIZE = 50
# The request fields holding the developer's own reference (catalog: TRANSACTION_REFERENCE,
# THIRD_PARTY_REFERENCE_DD); each has an expression index scoped to the user.
REFERENCE_FIELDS = ("input_TransactionReference", "input_ThirdPartyReference")
# Calls that name another call's transaction in their request.
REVERSAL = "reversal"
QUERY_STATUS = "queryTransactionStatus"
NAMES_A_TRANSACTION = {REVERSAL: "input_TransactionID", QUERY_STATUS: "input_QueryReference"}
LINKED_LIMIT = 50


def calls_of(user) -> QuerySet[ApiCall]:
    """Every gateway call of the developer's keys (ApiCall.user is the key's owner)."""
    return ApiCall.objects.filter(user=user).select_related("api_key", "api_key__application")


# What the search box compares, each with its (user, column) index (sandbox.ApiCall).
SEARCHED_COLUMNS = ("transaction_id", "conversation_id", "third_party_conversation_id", "msisdn")


def search_probes(calls: QuerySet[ApiCall], term: str, *, user) -> list[tuple[str, list]]:
    """One query (SQL, params) per kind of ID the search box finds: the ids of `calls`
    (already limited to `user`, filtered, past the keyset) whose TransactionID,
    ConversationID, ThirdPartyConversationID, MSISDN or reference is exactly `term`,
    newest first, at most a page and one.

    Each compares one indexed column or expression with the user, so each is a probe
    of one (user, column) index that stops after a page of rows. An asynchronous
    acknowledgement carries no TransactionID on the wire (§6: it comes in the
    callback), so a TransactionID is also looked up among the developer's transactions
    (a unique index) and the call found by that transaction's ConversationID, whatever
    the call log kept of the answer.

    Django compiles `calls` once (its WHERE comes last: no ordering, slice or grouping)
    and each probe appends its comparison, ordering and LIMIT: compiling eight
    querysets cost several times the database's own work. The comparisons are the
    column names above and the reference expressions as Django compiles them (the very
    expressions the indexes hold); every value is a parameter."""
    term = term.strip()
    base = calls.order_by().values("id").query
    assert not (base.is_sliced or base.distinct or base.group_by), "not a plain filter"
    connection = connections[calls.db]
    base_sql, base_params = base.sql_with_params()
    assert " WHERE " in base_sql, "calls must be limited to a developer"
    table = connection.ops.quote_name(ApiCall._meta.db_table)
    tail = (
        f" ORDER BY {table}.{connection.ops.quote_name('created_at')} DESC,"
        f" {table}.{connection.ops.quote_name('id')} DESC LIMIT {PAGE_SIZE + 1}"
    )
    probes = []
    for lhs, lhs_params in _compared(connection.vendor, calls.db):
        probes.append((f"{base_sql} AND {lhs} = %s{tail}", [*base_params, *lhs_params, term]))
    made_sql, made_params = (
        Transaction.objects.using(calls.db)
        .filter(user=user, transaction_id=term)
        .values("conversation_id")
        .query.sql_with_params()
    )
    conversation = f"{table}.{connection.ops.quote_name('conversation_id')}"
    probes.append(
        (f"{base_sql} AND {conversation} IN ({made_sql}){tail}", [*base_params, *made_params])
    )
    return probes


@functools.cache
def _compared(vendor: str, using: str) -> list[tuple[str, tuple]]:
    """(SQL, params) of each searched column and reference expression, as Django
    compiles them on this database (the same expressions as the indexes)."""
    query = ApiCall.objects.using(using).all().query
    compiler = query.get_compiler(using=using)
    qn = compiler.connection.ops.quote_name
    compared = [(f"{qn(ApiCall._meta.db_table)}.{qn(column)}", ()) for column in SEARCHED_COLUMNS]
    for name in REFERENCE_FIELDS:
        sql, params = compiler.compile(request_text(name).resolve_expression(query))
        compared.append((sql, tuple(params)))
    return compared


def newest_first(
    calls: QuerySet[ApiCall], *, after: ApiCall | None, search: str = "", user=None
) -> list[ApiCall]:
    return list(page_query(calls, after=after, search=search, user=user))


def page_query(
    calls: QuerySet[ApiCall], *, after: ApiCall | None, search: str = "", user=None
) -> QuerySet[ApiCall]:
    """One page, newest first, continuing after the call `after` (keyset pagination: no
    OFFSET and no COUNT over a million rows; served by sandbox_apicall_user_created). One
    row more than a page is fetched so the caller knows whether another page follows.

    With a `search` term (the developer's: `user`), the page is one query over the
    UNION ALL of the search probes, each ordered and cut to the page on its own index:
    the newest page of the union is the newest page of the matches, and no probe reads
    more than a page of rows whatever the size of the log (bench/requestlog.py)."""
    if after is not None:
        calls = calls.filter(
            Q(created_at__lt=after.created_at) | Q(created_at=after.created_at, id__lt=after.id)
        )
    if search and not calls.query.is_empty():
        # Not filtered by user again: every probe is, and the page then has no index on
        # its ordering to be tempted by; it sorts the few rows the probes found.
        calls = ApiCall.objects.filter(
            id__in=union_all(search_probes(calls, search, user=user))
        ).select_related("api_key", "api_key__application")
    return calls.order_by("-created_at", "-id")[: PAGE_SIZE + 1]


def union_all(queries: list[tuple[str, list]]) -> RawSQL:
    """`SELECT * FROM (q1) UNION ALL SELECT * FROM (q2) ...`: each query keeps its own
    ORDER BY and LIMIT (Django's union() cannot on SQLite; a derived table can on both).
    Only SQL Django compiled and fixed names are joined here; every value is a
    parameter."""
    parts: list[str] = []
    params: list = []
    for n, (sql, query_params) in enumerate(queries):
        parts.append(f"SELECT * FROM ({sql}) AS probe{n}")  # noqa: S608
        params.extend(query_params)
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611


def get_call_for_user(user, public_id) -> ApiCall:
    """The developer's call, or 404 for anyone else's (or no such call)."""
    try:
        return calls_of(user).get(public_id=public_id)
    except (ApiCall.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(_("No such call.")) from exc


@dataclass
class Lifecycle:
    """What happened around one call: the payment it names (for a reversal or a status
    query), the reversals of its payment, the queries that found it, its callbacks."""

    payment: ApiCall | None = None
    reversals: list[ApiCall] = field(default_factory=list)
    queries: list[ApiCall] = field(default_factory=list)
    deliveries: list[CallbackDelivery] = field(default_factory=list)


def _payment_named(calls: QuerySet[ApiCall], user_id: int, reference: str) -> ApiCall | None:
    """The payment call a reversal or status query named (by any of its IDs). The IDs of
    an asynchronous payment are on its transaction, not its call: look there too."""
    if not reference:
        return None
    conversations = list(
        Transaction.objects.filter(user_id=user_id)
        .find_reference(reference)
        .values_list("conversation_id", flat=True)
    )
    return (
        calls.filter(
            Q(transaction_id=reference)
            | Q(third_party_conversation_id=reference)
            | Q(conversation_id__in=[reference, *conversations])
        )
        .exclude(operation__in=NAMES_A_TRANSACTION)
        .order_by("created_at")
        .first()
    )


def _transaction_of(call: ApiCall) -> Transaction | None:
    """The sandbox transaction a payment call made (by ConversationID: an asynchronous
    answer has no TransactionID), or None (a refused payment made none)."""
    transactions = Transaction.objects.filter(user_id=call.user_id)
    if call.conversation_id:
        found = transactions.filter(conversation_id=call.conversation_id).first()
        if found is not None:
            return found
    if call.transaction_id:
        return transactions.filter(transaction_id=call.transaction_id).first()
    return None


def lifecycle_of(call: ApiCall) -> Lifecycle:
    calls = calls_of(call.user_id)
    life = Lifecycle()
    named = NAMES_A_TRANSACTION.get(call.operation)
    payment: ApiCall | None = call
    if named:
        reference = str((call.request_body or {}).get(named, ""))
        payment = life.payment = _payment_named(calls, call.user_id, reference)
    made = _transaction_of(payment) if payment is not None else None
    if made is not None:
        ids = [made.transaction_id, made.conversation_id, made.third_party_conversation_id]
        ids = [i for i in ids if i]
        # Reversals: those the gateway made (a Transaction pointing at the payment's,
        # found by their TransactionID or, if asynchronous, their ConversationID) and
        # every reversal that named the payment, refused ones included (an unknown
        # amount, already reversed, a validation error: no Transaction to link them),
        # by the request's input_TransactionID (expression index).
        reversals = list(made.reversals.values_list("transaction_id", "conversation_id"))
        life.reversals = list(
            calls.alias(reversal_ref=request_text(NAMES_A_TRANSACTION[REVERSAL]))
            .filter(
                Q(reversal_ref__in=ids)
                | Q(transaction_id__in=[t for t, _ in reversals if t])
                | Q(conversation_id__in=[c for _, c in reversals if c]),
                operation=REVERSAL,
            )
            .order_by("created_at")[:LINKED_LIMIT]
        )
        life.queries = list(
            calls.alias(query_ref=request_text(NAMES_A_TRANSACTION[QUERY_STATUS]))
            .filter(query_ref__in=ids, operation=QUERY_STATUS)
            .order_by("created_at")[:LINKED_LIMIT]
        )
    life.deliveries = list(
        CallbackDelivery.objects.filter(api_call=call)
        .prefetch_related("attempts")
        .order_by("created_at")
    )
    return life


def curl_command(call: ApiCall, *, base_url: str) -> str:
    """The call as a curl command. The bearer is a shell variable: the log never holds
    one, and a copied command must not carry a credential."""
    url = base_url.rstrip("/") + call.path
    parts = ["curl", "-X", call.method, shlex.quote(url)]
    lines = []
    body = call.request_body or {}
    if call.method == "GET":
        if body:
            url += ("&" if "?" in url else "?") + urlencode(
                {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
            )
        parts[3] = shlex.quote(url)
    lines.append(" ".join(parts))
    lines.append('  -H "Authorization: Bearer $MPESA_BEARER"')
    lines.append("  -H 'Content-Type: application/json'")
    lines.append("  -H 'Origin: *'")
    if call.method != "GET":
        lines.append("  --data " + shlex.quote(json.dumps(body, ensure_ascii=False)))
    return " \\\n".join(lines)


def console_query(call: ApiCall) -> str:
    """The query string of "Open in console": the market and the call's parameters, which
    static/js/console.js loads into the Send Request popup (with fresh IDs)."""
    params: dict[str, str] = {"market": call.market}
    for name, value in (call.request_body or {}).items():
        if isinstance(name, str) and name.startswith("input_"):
            params[name] = value if isinstance(value, str) else json.dumps(value)
    return urlencode(params)


def pretty(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
