"""Rotating the secrets-at-rest key: `manage.py reencrypt_secrets` (docs/operations.md)."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from accounts import crypto, keys, services
from accounts.management.commands.reencrypt_secrets import encrypted_columns
from accounts.models import ApiKey, GatewayKeypair
from callbacks.models import CallbackSigningSecret
from callbacks.signing import get_signing_secret
from tests.factories import DeveloperFactory

pytestmark = pytest.mark.django_db

FERNET_PREFIX = "gAAAAA"  # version byte 0x80 and a timestamp: every Fernet token starts so


@pytest.fixture
def secrets_at_rest(developer, other_developer):
    """Every kind of secret the portal stores, with its plaintext."""
    keys.current_keypair()
    services.renew_api_key(developer)  # a retired key is kept (and encrypted) too
    get_signing_secret(developer)
    get_signing_secret(other_developer)
    DeveloperFactory(username="third")
    return _plaintexts()


def _plaintexts() -> dict[tuple[str, int], str]:
    values = {}
    for model, field in encrypted_columns():
        for pk, token in model.objects.values_list("pk", field):
            values[(f"{model._meta.label}.{field}", pk)] = crypto.decrypt(token)
    return values


def _tokens(model, field) -> list[str]:
    return list(model.objects.order_by("pk").values_list(field, flat=True))


def test_every_column_holding_a_fernet_token_is_found(secrets_at_rest):
    found = {(m._meta.label, f) for m, f in encrypted_columns()}
    assert {
        ("accounts.ApiKey", "encrypted"),
        ("accounts.GatewayKeypair", "private_key_encrypted"),
        ("callbacks.CallbackSigningSecret", "secret_encrypted"),
    } <= found
    # And no column outside that list holds a token (a new secret column must follow the
    # naming convention, or the rotation would leave it under the old key).
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if (model._meta.label, field.name) in found:
                continue
            holding = model.objects.filter(**{f"{field.name}__startswith": FERNET_PREFIX})
            assert not holding.exists(), f"{model._meta.label}.{field.name} holds Fernet tokens"


def test_rotation_reencrypts_everything_under_the_new_key(secrets_at_rest, settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    before = {column: _tokens(*column) for column in encrypted_columns()}
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with pytest.raises(CommandError):
        call_command("reencrypt_secrets", "--check", stdout=io.StringIO())

    out = io.StringIO()
    call_command("reencrypt_secrets", "--batch-size", "2", stdout=out)

    assert "accounts.ApiKey.encrypted: 4 re-encrypted" in out.getvalue()
    for column, tokens in before.items():
        assert set(_tokens(*column)).isdisjoint(tokens), column
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone
    call_command("reencrypt_secrets", "--check", stdout=io.StringIO())
    assert _plaintexts() == secrets_at_rest


def test_the_portal_works_on_the_new_key_alone(secrets_at_rest, settings, developer, client):
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, settings.FIELD_ENCRYPTION_KEYS[0]]
    call_command("reencrypt_secrets", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    keys._load_private_key.cache_clear()

    from tests.sandbox.helpers import bearer_for

    bearer = bearer_for(keys.active_api_key(developer).plaintext)
    response = client.get(
        "/sandbox/ipg/v2/vodafoneGHA/getSession/", HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )
    assert response.status_code == 200, response.content
    assert CallbackSigningSecret.objects.get(user=developer).secret
    assert ApiKey.objects.filter(user=developer).count() == 2
    assert GatewayKeypair.objects.count() == 1


def test_a_secret_under_an_unknown_key_makes_check_fail(secrets_at_rest, settings):
    stray = Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    CallbackSigningSecret.objects.update(secret_encrypted=stray)
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("reencrypt_secrets", "--check", stdout=out)

    assert "callbacks.CallbackSigningSecret.secret_encrypted: 2 not readable" in out.getvalue()
