"""manage.py create_developer: an activated developer, credentials as one JSON line."""

import json
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts import crypto, keys
from accounts.models import User

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "demo",
    "email": "demo@example.com",
    "phone": "+254711000222",
    "password": "a-demo-password-that-is-long",
}


def run(**options) -> str:
    out = StringIO()
    call_command("create_developer", *[f"--{k}={v}" for k, v in options.items()], stdout=out)
    return out.getvalue()


def test_creates_an_activated_developer_and_prints_its_credentials():
    output = run(**GOOD)

    assert output.count("\n") == 1
    line = json.loads(output)
    assert set(line) == {"username", "api_key", "public_key"}
    assert line["username"] == "demo"
    assert len(line["api_key"]) == 32
    assert line["public_key"].startswith("MIICIjANBgkqhkiG9w0BAQEFAAOCAg8A")
    user = User.objects.get(username="demo")
    assert user.check_password(GOOD["password"])
    assert user.phone_number == "+254711000222" and user.has_confirmed_phone
    assert EmailAddress.objects.get(user=user).verified
    assert keys.active_api_key(user).digest == crypto.digest(line["api_key"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"username": "dev"}, "--username"),
        ({"email": "dev@example.com"}, "--email"),
        ({"email": "nope"}, "--email"),
        ({"phone": "0712345678"}, "--phone"),
        ({"phone": "+254 12"}, "--phone"),
        ({"password": "short"}, "--password"),
        ({"password": "password123"}, "--password"),
    ],
)
def test_bad_input_is_a_clear_error_and_creates_nothing(developer, change, message):
    users_before = User.objects.count()

    with pytest.raises(CommandError, match=message):
        run(**{**GOOD, **change})

    assert User.objects.count() == users_before
    assert not User.objects.filter(username=GOOD["username"]).exists() or change.get("username")


def test_a_taken_phone_is_refused(developer):
    with pytest.raises(CommandError, match="belongs to another account"):
        run(**{**GOOD, "phone": developer.phone_number})


def test_bad_input_exits_non_zero_from_the_shell(transactional_db):
    import os
    import subprocess
    import sys

    from django.conf import settings

    from tests.faults.processes import database_url

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_developer",
            "--username",
            "x",
            "--email",
            "x@x",
            "--phone",
            "123",
            "--password",
            "1",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        # The test database (SQLite file or PostgreSQL): the command must find the tables,
        # and write nothing.
        env={**os.environ, "DATABASE_URL": database_url()},
        timeout=60,
    )

    assert result.returncode != 0
    assert "--phone" in result.stderr
    assert result.stdout == ""
