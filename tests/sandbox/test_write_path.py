"""The gateway's write path (sandbox.rows, docs/performance.md): precompiled inserts and
updates write the ORM's row, and gateway answers keep every header the page middleware
used to add."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, DataError, IntegrityError, connection
from django.forms.models import model_to_dict

from accounts import keys
from sandbox import auth, rows
from sandbox.models import ApiCall, Transaction
from tests.sandbox.conftest import fresh_id


def _payment(key, reference: str) -> Transaction:
    return Transaction(
        api_key=key,
        user=key.user,
        operation="c2bPayment",
        market="vodafoneGHA",
        third_party_conversation_id=reference,
        dedupe_key=f"{reference}|T1",
        amount=Decimal("12.50"),
        currency="GHS",
        msisdn="000000000001",
    )


def _stored(model, pk) -> dict:
    row = model_to_dict(model.objects.get(pk=pk))
    return {name: value for name, value in row.items() if name != "id"}


def test_a_precompiled_insert_stores_what_save_stores(developer):
    key = developer.api_keys.get()
    by_orm = _payment(key, "orm")
    by_orm.save(force_insert=True)
    precompiled = rows.insert(_payment(key, "precompiled"))

    assert precompiled.pk is not None and not precompiled._state.adding
    orm_row, fast_row = _stored(Transaction, by_orm.pk), _stored(Transaction, precompiled.pk)
    # Drawn per row, or this test's references: everything else must be equal.
    differ = ("transaction_id", "conversation_id", "public_id", "created_at")
    differ += ("third_party_conversation_id", "dedupe_key")
    assert {k: v for k, v in fast_row.items() if k not in differ} == {
        k: v for k, v in orm_row.items() if k not in differ
    }
    assert fast_row["dedupe_key"] == "precompiled|T1"


def test_a_precompiled_insert_keeps_json_and_decimals(developer):
    key = developer.api_keys.get()
    call = ApiCall.build(
        api_key=key,
        operation="c2bPayment",
        market="vodafoneGHA",
        method="POST",
        path="/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/",
        request_body={"input_Amount": "10.00", "input_Note": 'çà "quoted"'},
        response_body={"output_ResponseCode": "INS-0", "output_TransactionID": "abc"},
        http_status=201,
        latency_ms=1.5,
        amount=Decimal("10.00"),
    )
    rows.insert(call)

    stored = ApiCall.objects.get(pk=call.pk)
    assert stored.request_body == {"input_Amount": "10.00", "input_Note": 'çà "quoted"'}
    assert stored.amount == Decimal("10.00")
    assert stored.is_success and stored.transaction_id == "abc"


def test_a_precompiled_update_writes_what_save_writes(developer):
    key = developer.api_keys.get()
    by_orm, precompiled = rows.insert(_payment(key, "orm")), rows.insert(_payment(key, "fast"))
    for tx in (by_orm, precompiled):
        tx.reversed_amount = Decimal("2.50")
        tx.status = Transaction.Status.CANCELLED
        tx.msisdn = "not saved"  # not among the fields written
    by_orm.save(update_fields=["reversed_amount", "status"])
    rows.update(precompiled, ("reversed_amount", "status"))

    for tx in (by_orm, precompiled):
        stored = Transaction.objects.get(pk=tx.pk)
        assert stored.reversed_amount == Decimal("2.50")
        assert stored.status == Transaction.Status.CANCELLED
        assert stored.msisdn == "000000000001"


def test_a_precompiled_update_of_a_missing_row_fails_as_save_does(developer):
    tx = rows.insert(_payment(developer.api_keys.get(), "gone"))
    Transaction.objects.filter(pk=tx.pk).delete()
    tx.reversed_amount = Decimal("1.00")

    with pytest.raises(DatabaseError):
        rows.update(tx, ("reversed_amount",))


def _log_row(key, reference: str) -> ApiCall:
    return ApiCall.build(
        api_key=key,
        operation="c2bPayment",
        market="vodafoneGHA",
        method="POST",
        path="/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/",
        request_body={"input_ThirdPartyConversationID": reference},
        response_body={"output_ResponseCode": "INS-0"},
        http_status=201,
        latency_ms=1.0,
    )


@pytest.mark.django_db(transaction=True)
def test_insert_all_writes_every_row_or_none(developer):
    """Outside a transaction, as the gateway calls it: on PostgreSQL one statement that
    commits by itself, elsewhere a write transaction."""
    key = developer.api_keys.get()
    payment, logged = _payment(key, "together"), _log_row(key, "together")

    rows.insert_all([payment, logged])

    assert Transaction.objects.get(pk=payment.pk).dedupe_key == "together|T1"
    assert ApiCall.objects.get(pk=logged.pk).request_body == {
        "input_ThirdPartyConversationID": "together"
    }
    assert not payment._state.adding and not logged._state.adding
    # The same payment again: its dedupe constraint refuses it, and its log row with it.
    with pytest.raises(IntegrityError):
        rows.insert_all([_payment(key, "together"), _log_row(key, "repeat")])
    assert Transaction.objects.count() == 1
    assert ApiCall.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one statement with a guard is PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_insert_all_if_writes_every_row_only_after_its_guard(developer):
    """Outside a transaction: the guard's change and the rows commit together in one
    statement, or nothing is written (the guard returned no row, or a row is refused)."""
    key = developer.api_keys.get()
    original = rows.insert(_payment(key, "original"))
    table = Transaction._meta.db_table
    guard = (
        f"UPDATE {table} SET reversed_amount = reversed_amount + %s"  # noqa: S608
        " WHERE id = %s AND amount - reversed_amount >= %s RETURNING id"
    )

    def take(amount: str, *objs) -> bool | None:
        value = Decimal(amount)
        return rows.insert_all_if(guard, [value, original.pk, value], list(objs))

    payment, logged = _payment(key, "guarded"), _log_row(key, "guarded")
    assert take("10.00", payment, logged) is True
    plain = rows.insert(_payment(key, "plain"))  # what `insert` stores
    guarded_row, plain_row = _stored(Transaction, payment.pk), _stored(Transaction, plain.pk)
    assert {k: v for k, v in guarded_row.items() if k not in _DRAWN} == {
        k: v for k, v in plain_row.items() if k not in _DRAWN
    }
    assert ApiCall.objects.get(pk=logged.pk).request_body == {
        "input_ThirdPartyConversationID": "guarded"
    }
    assert Transaction.objects.get(pk=original.pk).reversed_amount == Decimal("10.00")
    # 2.50 left: the guard takes nothing and no row is written.
    assert take("3.00", _payment(key, "too much"), _log_row(key, "too much")) is False
    # A refused row (the dedupe key again; a value longer than its column) refuses the
    # guard's change with it.
    with pytest.raises(IntegrityError):
        take("1.00", _payment(key, "guarded"), _log_row(key, "repeat"))
    too_long = _payment(key, "long")
    too_long.currency = "GHSX"
    with pytest.raises(DataError):
        take("1.00", too_long)
    assert Transaction.objects.get(pk=original.pk).reversed_amount == Decimal("10.00")
    assert Transaction.objects.count() == 3  # the original, the guarded one and `plain`
    assert ApiCall.objects.count() == 1


_DRAWN = ("transaction_id", "conversation_id", "public_id", "created_at")
_DRAWN += ("third_party_conversation_id", "dedupe_key")


def test_the_gateways_fixed_statements_are_prepared_on_postgresql(developer):
    """sandbox.rows.statement_cursor: the state check, run more often than
    prepare_threshold on one connection, is a prepared statement of that connection
    (PostgreSQL plans it once); on other databases it runs on Django's own cursor."""
    key = developer.api_keys.get()
    keypair = keys.current_keypair()
    for _ in range(6):
        credential = auth._load_active("api_key", key.pk, keypair.pk, "sandbox")
        assert credential.api_key == key and credential.user == developer

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        assert any("WHERE k.id = $1" in statement for statement in prepared), prepared


def test_a_gateway_answer_keeps_the_headers_of_the_whole_stack(gw):
    response = gw.c2b(input_ThirdPartyConversationID=fresh_id())

    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(response.content))
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Vary"] == "Cookie"
    assert response.headers["X-Request-ID"]
