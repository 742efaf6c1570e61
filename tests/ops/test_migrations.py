"""Heartbeat moved from the portal package to ops without touching existing databases."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from ops.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_the_table_keeps_its_old_name():
    assert Heartbeat._meta.db_table == "portal_heartbeat"
    assert "portal_heartbeat" in connection.introspection.table_names()


# sqlmigrate opens a schema editor, which SQLite refuses inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_move_writes_no_sql():
    out = io.StringIO()
    call_command("sqlmigrate", "ops", "0001", stdout=out)

    sql = out.getvalue().upper()
    assert "CREATE TABLE" not in sql
    assert "ALTER TABLE" not in sql
    assert "DROP TABLE" not in sql
