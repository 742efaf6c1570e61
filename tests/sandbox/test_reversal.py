"""Reversal over real HTTP (reference §5.5, triggers §9)."""

from __future__ import annotations

import threading
from decimal import Decimal

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from catalog import get_api
from sandbox.models import ApiCall, Transaction
from sandbox.simulation import transactions
from tests.sandbox.conftest import IN_PROCESS_URL, Gateway, fresh_id, in_process_session

PATH = "reversal/"


def pay(gw, amount="100.00") -> str:
    response = gw.c2b(input_Amount=amount)
    assert response.status_code == 201, response.text
    return response.json()["output_TransactionID"]


def reverse(gw, transaction_id, amount=None, method="PUT", **overrides):
    body = gw.sample("reversal", input_TransactionID=transaction_id, **overrides)
    body.pop("input_ReversalAmount")  # the sample's partial amount; None = full reversal
    if amount is not None:
        body["input_ReversalAmount"] = amount
    return gw.call(method, PATH, json=body)


def test_full_reversal(gw):
    tx_id = pay(gw)
    response = reverse(gw, tx_id)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["output_ResponseCode"] == "INS-0"
    assert data["output_TransactionID"] != tx_id
    original = Transaction.objects.get(transaction_id=tx_id)
    assert original.reversed_amount == Decimal("100.00")
    reversal = Transaction.objects.get(transaction_id=data["output_TransactionID"])
    assert reversal.original == original and reversal.amount == Decimal("100.00")
    call = ApiCall.objects.get(operation="reversal")
    assert call.is_success and call.http_status == 201


def test_partial_reversals_until_nothing_is_left(gw):
    tx_id = pay(gw)
    assert reverse(gw, tx_id, "30").status_code == 201
    too_much = reverse(gw, tx_id, "70.01")
    assert too_much.status_code == 400
    assert too_much.json()["output_ResponseCode"] == "INS-15"
    assert reverse(gw, tx_id, "70").status_code == 201
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == Decimal("100.00")
    nothing_left = reverse(gw, tx_id)
    assert nothing_left.json()["output_ResponseCode"] == "INS-15"


def test_post_is_accepted_for_reversal(gw):
    tx_id = pay(gw)
    response = reverse(gw, tx_id, method="POST")
    assert response.status_code == 201


def test_unknown_transaction_is_ins_18(gw):
    response = reverse(gw, "NoSuchTx1234")
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-18"


def test_reversal_of_a_reversal_is_refused(gw):
    tx_id = pay(gw)
    reversal_id = reverse(gw, tx_id, "10").json()["output_TransactionID"]
    response = reverse(gw, reversal_id)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-18"
    assert Transaction.objects.get(transaction_id=reversal_id).reversed_amount == 0


def test_another_developers_transaction_is_ins_35(gw, other_gw):
    tx_id = pay(other_gw)
    response = reverse(gw, tx_id)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-35"
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == 0


def test_transaction_of_another_market_is_invalid_market(gw):
    tx_id = pay(gw)
    body = gw.sample("reversal", market="vodacomTZN", input_TransactionID=tx_id)
    body.pop("input_ReversalAmount")
    response = gw.call("PUT", PATH, market="vodacomTZN", json=body)
    assert response.json()["output_ResponseCode"] == "INS-998"


def test_repeat_is_a_duplicate(gw):
    tx_id = pay(gw)
    body = gw.sample("reversal", input_TransactionID=tx_id, input_ReversalAmount="5")
    assert gw.call("PUT", PATH, json=body).status_code == 201
    again = gw.call("PUT", PATH, json=body)
    assert again.status_code == 409
    assert again.json()["output_TransactionID"] == "N/A"
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == Decimal("5.00")


@pytest.mark.parametrize(
    ("param", "value", "code"),
    [
        ("input_TransactionID", "bad-id!", "INS-18"),
        ("input_ReversalAmount", "-1", "INS-15"),
        ("input_ReversalAmount", "0", "INS-15"),
        ("input_ServiceProviderCode", "1", "INS-13"),
        ("input_ThirdPartyConversationID", "", "INS-20"),
        ("input_Country", "MOZ", "INS-998"),
    ],
)
def test_validation_errors(gw, param, value, code):
    body = gw.sample("reversal", input_TransactionID="0000000000001")
    body[param] = value
    response = gw.call("PUT", PATH, json=body)
    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == code


@pytest.mark.parametrize("trigger", get_api("reversal").triggers, ids=lambda t: t.value)
def test_each_test_trigger_produces_its_outcome(gw, trigger):
    response = reverse(gw, trigger.value, "1", input_ThirdPartyConversationID=fresh_id())
    assert response.status_code == get_api("reversal").result(trigger.code).http_status
    assert response.json()["output_ResponseCode"] == trigger.code


def test_a_repeat_racing_the_first_is_a_duplicate_and_changes_nothing(gw, monkeypatch):
    """Two identical reversals at once: both read "no earlier reversal", the second's
    insert meets the first's row (its dedupe constraint). That second call's transaction
    is rolled back whole (no savepoint) and it is answered and logged as the duplicate."""
    _repeat_racing_the_first(gw, monkeypatch)


def _repeat_racing_the_first(gw, monkeypatch) -> None:
    """A reversal, then the same one again as if it had read before the first wrote:
    answered INS-10, nothing of the first changed, both calls logged."""
    tx_id = pay(gw)
    body = gw.sample("reversal", input_TransactionID=tx_id, input_ReversalAmount="5")
    assert gw.call("PUT", PATH, json=body).status_code == 201
    looked_up = transactions._original_and_repeat
    monkeypatch.setattr(
        transactions,
        "_original_and_repeat",
        lambda call, **kwargs: (looked_up(call, **kwargs)[0], False),
    )

    again = gw.call("PUT", PATH, json=body)

    assert again.status_code == 409
    assert again.json()["output_ResponseCode"] == "INS-10"
    assert again.json()["output_TransactionID"] == "N/A"
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == Decimal("5.00")
    assert Transaction.objects.filter(original__transaction_id=tx_id).count() == 1
    logged = ApiCall.objects.filter(operation="reversal").order_by("created_at", "pk")
    assert [c.result_code for c in logged] == ["INS-0", "INS-10"]


# --- PostgreSQL: a reversal decided on an unlocked read, written in one statement ---------

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the one-statement reversal is PostgreSQL's; elsewhere the rule locks the row",
)


def reversal_codes() -> list[str]:
    logged = ApiCall.objects.filter(operation="reversal").order_by("created_at", "pk")
    return [call.result_code for call in logged]


def unlocked_reads(monkeypatch, after_read) -> None:
    """Run `after_read()` after each unlocked read of a reversal's original (the plan's),
    before the plan decides on what it read; locked reads are left alone."""
    read = transactions._original_and_repeat

    def read_then(call, *, locked=True):
        found = read(call, locked=locked)
        if not locked:
            after_read()
        return found

    monkeypatch.setattr(transactions, "_original_and_repeat", read_then)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_reversal_costs_four_statements_outside_a_transaction(gw, monkeypatch):
    """The health check, the credential's state check, the unlocked read of the original
    with the repeat flag, and one statement that commits by itself (no BEGIN/COMMIT)."""
    tx_id = pay(gw)
    sent: list[str] = []
    execute, commit = psycopg.Cursor.execute, psycopg.Connection.commit

    def counted_execute(self, query, *args, **kwargs):
        sent.append(query if isinstance(query, str) else str(query))
        return execute(self, query, *args, **kwargs)

    def counted_commit(self):
        sent.append("COMMIT")
        return commit(self)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
    monkeypatch.setattr(psycopg.Connection, "commit", counted_commit)
    # What a request's start does on a kept connection (Django's test client skips it).
    connection.health_check_done = False

    response = reverse(gw, tx_id, "30")

    monkeypatch.undo()
    assert response.status_code == 201, response.text
    assert response.json()["output_ResponseCode"] == "INS-0"
    assert len(sent) == 4, sent
    health, state, read, write = (" ".join(sql.split()) for sql in sent)
    assert health == "SELECT 1"
    assert "FROM accounts_apikey" in state
    assert "FROM sandbox_transaction t WHERE t.transaction_id" in read
    assert "FOR UPDATE" not in read
    assert write.startswith("WITH g AS (UPDATE sandbox_transaction")
    assert connection.get_autocommit()
    original = Transaction.objects.get(transaction_id=tx_id)
    assert original.reversed_amount == Decimal("30.00")
    reversal = Transaction.objects.get(transaction_id=response.json()["output_TransactionID"])
    assert (reversal.original, reversal.amount, reversal.msisdn) == (
        original,
        Decimal("30.00"),
        original.msisdn,
    )
    assert (reversal.operation, reversal.market) == ("reversal", "vodafoneGHA")
    [logged] = ApiCall.objects.filter(operation="reversal")
    assert (logged.result_code, logged.http_status, logged.amount) == (
        "INS-0",
        201,
        Decimal("30.00"),
    )
    assert logged.transaction_id == reversal.transaction_id
    assert logged.response_body == response.json()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_amount_taken_after_the_read_falls_back_to_the_locked_rule(gw, developer, monkeypatch):
    """Another reversal commits between this one's read (100 left) and its write: the
    statement takes nothing (40 left, 50 asked), and the rule, run again on the locked
    row, refuses with INS-15. No reversal row and no stray log row are written."""
    tx_id = pay(gw)
    other: list = []

    def another_reversal_commits() -> None:
        if other:
            return  # the other call's own read
        other.append(None)

        def run() -> None:
            try:
                client = Gateway(
                    IN_PROCESS_URL, developer.api_key_plaintext, http=in_process_session()
                )
                other[0] = reverse(client, tx_id, "60")
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=60)

    unlocked_reads(monkeypatch, another_reversal_commits)

    response = reverse(gw, tx_id, "50")

    assert other[0].status_code == 201, other[0].text
    assert response.status_code == 400, response.text
    assert response.json()["output_ResponseCode"] == "INS-15"
    assert Transaction.objects.get(transaction_id=tx_id).reversed_amount == Decimal("60.00")
    [reversal] = Transaction.objects.filter(original__transaction_id=tx_id)
    assert reversal.amount == Decimal("60.00")
    assert reversal_codes() == ["INS-0", "INS-15"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_reversals_never_take_more_than_the_amount(gw, developer, monkeypatch):
    """Two reversals of one payment of 100 (60 and 70), each on its own connection, both
    read 100 left before either writes: one succeeds, the other is refused."""
    tx_id = pay(gw)
    both_read = threading.Barrier(2)
    unlocked_reads(monkeypatch, lambda: both_read.wait(timeout=30))
    answers: dict[str, object] = {}
    errors: list[BaseException] = []

    def reversal_of(amount: str) -> None:
        try:
            client = Gateway(IN_PROCESS_URL, developer.api_key_plaintext, http=in_process_session())
            answers[amount] = reverse(client, tx_id, amount)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reversal_of, args=(a,)) for a in ("60", "70")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    codes = {amount: answer.json()["output_ResponseCode"] for amount, answer in answers.items()}
    assert sorted(codes.values()) == ["INS-0", "INS-15"]
    [won] = [amount for amount, code in codes.items() if code == "INS-0"]
    original = Transaction.objects.get(transaction_id=tx_id)
    assert original.reversed_amount == Decimal(won) <= original.amount
    [reversal] = Transaction.objects.filter(original=original)
    assert reversal.amount == Decimal(won)
    assert sorted(reversal_codes()) == sorted(codes.values())


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_repeat_racing_the_first_outside_a_transaction_is_a_duplicate(gw, monkeypatch):
    """The one statement meets the first reversal's dedupe key: refused whole (the
    original keeps its amount) and answered and logged as the duplicate."""
    _repeat_racing_the_first(gw, monkeypatch)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_one_statement_writes_the_rows_of_the_locked_rule(gw, monkeypatch):
    """The same reversal of two equal payments, one written in one statement, the other
    by the rule in the write transaction: the same rows but for what each call draws."""
    from django.forms.models import model_to_dict

    from sandbox import services

    def reversed_rows(at_once: bool) -> tuple[dict, dict, Decimal]:
        monkeypatch.setattr(services, "_written_at_once", lambda call: at_once)
        tx_id = pay(gw)
        response = reverse(gw, tx_id, "12.34")
        assert response.status_code == 201, response.text
        reversal = Transaction.objects.get(transaction_id=response.json()["output_TransactionID"])
        logged = ApiCall.objects.filter(operation="reversal").latest("pk")
        drawn = {"id", "public_id", "transaction_id", "conversation_id", "created_at"}
        tx_row = {k: v for k, v in model_to_dict(reversal).items() if k not in drawn}
        tx_row.pop("original")
        tx_row.pop("dedupe_key")
        tx_row.pop("third_party_conversation_id")
        call_row = {
            k: v
            for k, v in model_to_dict(logged).items()
            if k not in drawn | {"latency_ms", "request_body", "third_party_conversation_id"}
        }
        body = call_row.pop("response_body")
        assert body == response.json()
        call_row["response_fields"] = list(body)
        headers = call_row.pop("response_headers")
        call_row["response_header_names"] = list(headers)
        call_row["content_length"] = headers.get("Content-Length")
        original = Transaction.objects.get(transaction_id=tx_id)
        return tx_row, call_row, original.reversed_amount

    assert reversed_rows(at_once=True) == reversed_rows(at_once=False)
