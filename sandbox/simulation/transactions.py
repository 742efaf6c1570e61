"""Payments (C2B, B2C, B2B), Reversal and Query Transaction Status (reference §5.2-§5.6)."""

from __future__ import annotations

import secrets
import string
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Model

from sandbox import rows
from sandbox.models import Transaction
from sandbox.simulation.base import GatewayCall, Outcome, conversation_outputs, failure
from sandbox.validation import amount_of

# The reference field that, with the ThirdPartyConversationID, makes a repeat a
# duplicate (§9, §13.4: the observed duplicate repeated both).
_REFERENCE_FIELD = {
    "c2bPayment": "input_TransactionReference",
    "c2bMultiStage": "input_TransactionReference",
    "b2cPayment": "input_TransactionReference",
    "b2bPayment": "input_TransactionReference",
    "directDebitPayment": "input_ThirdPartyReference",
    "reversal": "input_TransactionID",
}


def dedupe_key(call: GatewayCall) -> str:
    reference = call.get(_REFERENCE_FIELD[call.api.slug])
    return f"{call.get('input_ThirdPartyConversationID')}|{reference}"


def duplicate(call: GatewayCall) -> Outcome:
    """409 INS-10 with TransactionID N/A and a fresh ConversationID (observed, §4)."""
    return failure(call, "INS-10", output_TransactionID="N/A")


def validated_amount(call: GatewayCall, name: str = "input_Amount") -> Decimal:
    """The amount of a call whose validation required it (the catalogue marks the
    parameter required with an amount format, so it parses: anything else is a bug)."""
    amount = amount_of(call.get(name))
    if amount is None:
        raise ValueError(f"{call.api.slug}: {name} passed validation but is no amount")
    return amount


def is_duplicate(call: GatewayCall) -> bool:
    return Transaction.objects.filter(
        api_key=call.api_key, operation=call.api.slug, dedupe_key=dedupe_key(call)
    ).exists()


def new_transaction(call: GatewayCall, *, amount: Decimal, msisdn: str = "", **fields):
    """The transaction row of `call`, unsaved (its identifiers are already drawn)."""
    return Transaction(
        api_key=call.api_key,
        user=call.user,
        operation=call.api.slug,
        market=call.market.slug,
        conversation_id=call.conversation_id,
        third_party_conversation_id=call.get("input_ThirdPartyConversationID"),
        dedupe_key=dedupe_key(call),
        amount=amount,
        currency=call.get("input_Currency").upper(),
        msisdn=msisdn,
        session=call.credential.session,
        **fields,
    )


def record_transaction(call: GatewayCall, *, amount: Decimal, msisdn: str = "", **fields):
    """Create the transaction row; None when a concurrent identical request won."""
    tx = new_transaction(call, amount=amount, msisdn=msisdn, **fields)
    try:
        with transaction.atomic():
            return rows.insert(tx)
    except IntegrityError:
        return None


# The APIs whose §9 failure triggers leave a Failed transaction (docs/gateway.md).
FAILED_IS_RECORDED = frozenset(
    {"c2bPayment", "b2cPayment", "b2bPayment", "c2bMultiStage", "directDebitPayment"}
)


def record_failed(call: GatewayCall) -> Transaction:
    """A payment that a failure trigger refused, timeouts included: Query Transaction
    Status finds it by its ConversationID or ThirdPartyConversationID and answers
    Failed. Its dedupe key is its own ConversationID, so a retry with the same
    ThirdPartyConversationID and reference is a new payment, not a duplicate."""
    return rows.insert(failed_transaction(call))


def failed_transaction(call: GatewayCall) -> Transaction:
    """The Failed transaction row of `record_failed`, unsaved."""
    return Transaction(
        api_key=call.api_key,
        user=call.user,
        operation=call.api.slug,
        market=call.market.slug,
        status=Transaction.Status.FAILED,
        conversation_id=call.conversation_id,
        third_party_conversation_id=call.get("input_ThirdPartyConversationID"),
        dedupe_key=f"failed|{call.conversation_id}",
        amount=amount_of(call.get("input_Amount")) or Decimal("0.00"),
        currency=call.get("input_Currency").upper(),
        msisdn=call.get("input_CustomerMSISDN"),
        session=call.credential.session,
    )


def succeeded(call: GatewayCall, tx: Transaction, **outputs: str) -> Outcome:
    return Outcome(
        "INS-0",
        {"output_TransactionID": tx.transaction_id, **conversation_outputs(call), **outputs},
        transaction=tx,
        amount=tx.amount,
        msisdn=tx.msisdn,
    )


def payment(call: GatewayCall) -> Outcome:
    """C2B, B2C and B2B: the money moves and a transaction is recorded.

    No duplicate lookup first: the unique constraint on the dedupe key refuses the
    repeat inside its savepoint, which keeps the write transaction short (the hot path).
    """
    tx = record_transaction(
        call,
        amount=validated_amount(call),
        msisdn=call.get("input_CustomerMSISDN"),
    )
    return duplicate(call) if tx is None else succeeded(call, tx)


def planned_payment(call: GatewayCall) -> Outcome:
    """`payment` with its row unsaved (Outcome.unsaved): the gateway inserts it in a
    short write transaction and answers the duplicate if the unique constraint refuses
    it (sandbox.services)."""
    tx = new_transaction(
        call, amount=validated_amount(call), msisdn=call.get("input_CustomerMSISDN")
    )
    outcome = succeeded(call, tx)
    outcome.unsaved = tx
    return outcome


class Duplicate(Exception):
    """The row of a rule that runs in the call's write transaction was refused by a
    unique constraint (its dedupe key): the caller rolls the transaction back and
    answers the duplicate (sandbox.services), as for a planned payment. No savepoint
    around the insert: one round trip fewer on every call, the rare repeat pays a
    second transaction instead."""


def reversal(call: GatewayCall) -> Outcome:
    """Full (no input_ReversalAmount) or partial reversal of the caller's transaction.

    Refused: a repeat of an earlier reversal (INS-10, checked first), unknown
    TransactionID or a reversal itself (INS-18), another developer's transaction
    (INS-35), another market's (INS-998), an amount above what is left (INS-15, also
    when nothing is left). A concurrent identical reversal that commits first raises
    Duplicate at the insert.
    """
    if "input_TransactionID" in call.triggered:
        return _synthetic_reversal(call, amount_of(call.get("input_ReversalAmount")))
    original, repeated = _original_and_repeat(call)
    outcome = _decided_reversal(call, original, repeated)
    tx = outcome.unsaved
    if tx is None or original is None:
        return outcome
    outcome.unsaved = None
    try:
        rows.insert(tx)
    except IntegrityError:
        raise Duplicate from None
    original.reversed_amount += tx.amount
    rows.update(original, ("reversed_amount",))
    return outcome


def planned_reversal(call: GatewayCall) -> Outcome | None:
    """`reversal` decided on an unlocked read, with its row unsaved (Outcome.unsaved, its
    `original` set): the gateway writes it with `write_planned_reversal`, which takes the
    amount from the original only if it is still there. A refusal read from committed
    data is the answer the call would get just before the writes it did not see; the
    success is re-checked by that statement. None for the success trigger's synthetic
    reversal (`reversal` writes it in the call's transaction)."""
    if "input_TransactionID" in call.triggered:
        return None
    return _decided_reversal(call, *_original_and_repeat(call, locked=False))


def _decided_reversal(call: GatewayCall, original: Transaction | None, repeated: bool) -> Outcome:
    """The outcome of a reversal of `original` as read (see `reversal`); a success
    carries the reversal's row, unsaved, in Outcome.unsaved."""
    if repeated or (original is None and is_duplicate(call)):
        return duplicate(call)
    if original is None or original.is_reversal or original.status != Transaction.Status.COMPLETED:
        # Only completed money can be returned: not a failed, pending or released one.
        return failure(call, "INS-18")
    if original.user_id != call.user.pk:
        return failure(call, "INS-35")
    if original.market != call.market.slug:
        return failure(call, "INS-998")
    requested = amount_of(call.get("input_ReversalAmount"))
    amount = requested if requested is not None else original.remaining_amount
    if amount <= 0 or amount > original.remaining_amount:
        return failure(call, "INS-15")
    tx = new_transaction(call, amount=amount, msisdn=original.msisdn, original=original)
    outcome = succeeded(call, tx)
    outcome.unsaved = tx
    return outcome


# The gateway's reads of transactions, written by hand (rows.columns/instances): the ORM
# spent more time compiling them than the database answering (docs/performance.md). Table
# and column names come from the model; every value is a query parameter.
_TX = Transaction._meta.db_table
_TX_COLUMNS = rows.columns(Transaction, "t")
# Reversal: the named transaction, to lock (its amount left changes), and whether this
# reversal was made before (`is_duplicate`), in one statement. Served by the unique
# index on transaction_id and the constraint sandbox_transaction_dedupe.
_REVERSAL_SQL = f"""
    SELECT {_TX_COLUMNS}, EXISTS (
        SELECT 1 FROM {_TX} d
        WHERE d.api_key_id = %s AND d.operation = %s AND d.dedupe_key = %s)
    FROM {_TX} t WHERE t.transaction_id = %s"""  # noqa: S608
# Query Transaction Status (TransactionQuerySet.for_user().find_reference(), latest
# first). Served by the unique indexes on transaction_id and conversation_id and by
# sandbox_tx_user_tpcid.
_FIND_SQL = f"""
    SELECT {_TX_COLUMNS} FROM {_TX} t
    WHERE t.user_id = %s AND (
        t.transaction_id = %s OR t.conversation_id = %s OR t.third_party_conversation_id = %s)
    ORDER BY t.created_at DESC, t.id DESC LIMIT 1"""  # noqa: S608


def _original_and_repeat(
    call: GatewayCall, *, locked: bool = True
) -> tuple[Transaction | None, bool]:
    """(the transaction a reversal names, locked until the call's transaction ends, or
    None; whether this reversal is a repeat). When the transaction is unknown there is
    no answer about the repeat (False): none can exist without it. `locked=False`: read
    as committed, no lock (`planned_reversal`)."""
    conn = connections[DEFAULT_DB_ALIAS]
    # A row lock where the database has them; SQLite's write transaction (BEGIN
    # IMMEDIATE) already keeps every other writer out, as select_for_update assumes.
    lock = " FOR UPDATE" if locked and conn.features.has_select_for_update else ""
    with rows.statement_cursor(conn) as cursor:
        cursor.execute(
            _REVERSAL_SQL + lock,
            [call.api_key.pk, call.api.slug, dedupe_key(call), call.get("input_TransactionID")],
        )
        row = cursor.fetchone()
    if row is None:
        return None, False
    return rows.instances(conn, row, Transaction)[0], bool(row[-1])


# A planned reversal's write (`write_planned_reversal`): the original takes the amount
# only while it is completed and has that much left. Under READ COMMITTED, PostgreSQL
# checks this WHERE again on the newest version of the row after waiting for a
# concurrent writer, so two reversals never take more than the amount between them.
_COLUMN = {f.name: connection.ops.quote_name(f.column) for f in Transaction._meta.concrete_fields}
_PK, _STATUS, _AMOUNT, _REVERSED = (
    _COLUMN[name] for name in ("id", "status", "amount", "reversed_amount")
)
_TAKE_SQL = (
    f"UPDATE {_TX} SET {_REVERSED} = {_REVERSED} + %s"  # noqa: S608
    f" WHERE {_PK} = %s AND {_STATUS} = %s AND {_AMOUNT} - {_REVERSED} >= %s"
    f" RETURNING {_PK}"
)
_REVERSED_AMOUNT = Transaction._meta.get_field("reversed_amount")


def write_planned_reversal(tx: Transaction, *others: Model) -> bool | None:
    """Write a planned reversal (`planned_reversal`): the original's reversed amount,
    the reversal's row `tx` and `others` (the call log), in one statement that commits by
    itself outside a transaction (PostgreSQL; rows.insert_all_if). False: the original
    is no longer completed or no longer has the amount left (a write committed since the
    read), nothing is written; None: a row needs the ORM, nothing is written. A unique
    constraint refusing a row (a concurrent identical reversal) raises IntegrityError."""
    original = tx.original
    if original is None:
        raise ValueError("write_planned_reversal: the reversal names no original")
    conn = connections[DEFAULT_DB_ALIAS]
    amount = _REVERSED_AMOUNT.get_db_prep_save(tx.amount, connection=conn)
    written = rows.insert_all_if(
        _TAKE_SQL,
        [amount, original.pk, Transaction.Status.COMPLETED.value, amount],
        [tx, *others],
    )
    if written:
        original.reversed_amount += tx.amount
    return written


def _find_for_user(call: GatewayCall, reference: str) -> Transaction | None:
    conn = connections[DEFAULT_DB_ALIAS]
    with rows.statement_cursor(conn) as cursor:
        cursor.execute(_FIND_SQL, [call.user.pk, reference, reference, reference])
        row = cursor.fetchone()
    return None if row is None else rows.instances(conn, row, Transaction)[0]


def _synthetic_reversal(call: GatewayCall, requested: Decimal | None) -> Outcome:
    """The success trigger 0000000000001 names no real transaction (§9)."""
    if is_duplicate(call):
        return duplicate(call)
    tx = record_transaction(call, amount=requested or Decimal("0.00"))
    return duplicate(call) if tx is None else succeeded(call, tx)


def query_transaction_status(call: GatewayCall) -> Outcome:
    """Finds the caller's transaction by TransactionID, ConversationID or TPCID."""
    reference = call.get("input_QueryReference")
    outputs = conversation_outputs(call)
    if "input_QueryReference" in call.triggered:
        return Outcome(
            "INS-0",
            {
                "output_ResponseTransactionStatus": "Completed",
                **outputs,
                "output_OriginalTransactionID": reference,
                "output_Reversed": "False",
                **call.trigger_outputs,
            },
        )
    # A developer sees their own transactions, whichever of their keys made them.
    tx = _find_for_user(call, reference)
    if tx is None:
        return failure(call, "INS-23")
    return Outcome(
        "INS-0",
        {
            "output_ResponseTransactionStatus": tx.get_status_display(),
            **outputs,
            "output_OriginalTransactionID": tx.transaction_id,
            "output_Reversed": "True" if tx.reversed_amount > 0 else "False",
        },
        transaction=tx,
    )


def _new_voucher_code() -> str:
    return "".join(secrets.choice(_VOUCHER_ALPHABET) for _ in range(10))


_VOUCHER_ALPHABET = string.ascii_uppercase + string.digits


def reserve(call: GatewayCall) -> Outcome:
    """C2B two-stage, stage 1 (§5.12): the customer's money is reserved, the
    transaction is Pending until Update Transaction Status commits or releases it."""
    tx = record_transaction(
        call,
        amount=validated_amount(call),
        msisdn=call.get("input_CustomerMSISDN"),
        status=Transaction.Status.PENDING,
        voucher_code=_new_voucher_code(),
    )
    if tx is None:
        return duplicate(call)
    return succeeded(call, tx, output_VoucherCode=tx.voucher_code)


def planned_reserve(call: GatewayCall) -> Outcome:
    """`reserve` with its row unsaved, as `planned_payment`."""
    tx = new_transaction(
        call,
        amount=validated_amount(call),
        msisdn=call.get("input_CustomerMSISDN"),
        status=Transaction.Status.PENDING,
        voucher_code=_new_voucher_code(),
    )
    outcome = succeeded(call, tx, output_VoucherCode=tx.voucher_code)
    outcome.unsaved = tx
    return outcome


# Update Transaction Status carries its operation in input_CustomerMSISDN (§5.12).
_COMMIT, _RELEASE = "1", "0"


def update_status(call: GatewayCall) -> Outcome:
    """C2B two-stage, stage 2 (§5.12): "1" commits the reserved payment (Completed),
    "0" releases it (Cancelled). Success is INS-GAR-0.

    Refused: a TransactionID that is not one of the caller's two-stage payments
    (INS-18), a voucher that is not the payment's (INS-21), a payment no longer
    pending (INS-6: it was committed or released already).
    """
    if "input_TransactionID" in call.triggered:
        return Outcome("INS-GAR-0", conversation_outputs(call))
    tx = (
        Transaction.objects.select_for_update()
        .for_user(call.user)
        .filter(operation="c2bMultiStage", transaction_id=call.get("input_TransactionID"))
        .first()
    )
    if tx is None:
        return failure(call, "INS-18")
    if not secrets.compare_digest(tx.voucher_code, call.get("input_VoucherCode")):
        return failure(call, "INS-21")
    if tx.status != Transaction.Status.PENDING:
        return failure(call, "INS-6")
    commit = call.get("input_CustomerMSISDN") == _COMMIT
    tx.status = Transaction.Status.COMPLETED if commit else Transaction.Status.CANCELLED
    tx.save(update_fields=["status"])
    return Outcome("INS-GAR-0", conversation_outputs(call), transaction=tx, msisdn=tx.msisdn)
