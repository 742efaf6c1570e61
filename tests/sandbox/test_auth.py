"""sandbox.auth: the bearer contract used by the gateway and the partner REST API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts import keys, services
from sandbox import auth
from sandbox.models import Session
from tests.sandbox.helpers import bearer_for

pytestmark = pytest.mark.django_db


def test_api_key_bearer_gives_the_developers_credential(developer):
    credential = auth.authenticate(f"Bearer {bearer_for(developer.api_key_plaintext)}")
    assert credential.kind == "api_key"
    assert credential.api_key.pk == developer.api_key.pk
    assert credential.user == developer
    assert credential.session is None


def test_session_bearer_gives_the_session(developer):
    session_id = "0123456789abcdef0123456789abcdef"
    now = timezone.now()
    session = Session.objects.create(
        api_key=developer.api_key,
        digest=keys.crypto.digest(session_id),
        active_from=now,
        expires_at=now + timedelta(hours=1),
    )
    credential = auth.authenticate(f"Bearer {bearer_for(session_id)}")
    assert credential.kind == "session"
    assert credential.session == session
    assert credential.api_key.pk == developer.api_key.pk


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Basic abc", "Bearer !!!notbase64", "Bearer " + "A" * 684, "Bearer QUJD"],
)
def test_every_malformed_bearer_fails_the_same_way(developer, header):
    with pytest.raises(auth.BearerError) as excinfo:
        auth.authenticate(header)
    assert str(excinfo.value) == auth.BearerError.MESSAGE


def test_unknown_key_fails(developer):
    with pytest.raises(auth.BearerError):
        auth.authenticate(f"Bearer {bearer_for('x' * 32)}")


def test_retired_key_is_refused_even_when_cached(developer):
    header = f"Bearer {bearer_for(developer.api_key_plaintext)}"
    auth.authenticate(header)
    services.renew_api_key(developer)
    with pytest.raises(auth.BearerError):
        auth.authenticate(header)


def test_inactive_developer_is_refused_even_when_cached(developer):
    header = f"Bearer {bearer_for(developer.api_key_plaintext)}"
    auth.authenticate(header)
    developer.is_active = False
    developer.save(update_fields=["is_active"])
    with pytest.raises(auth.BearerError):
        auth.authenticate(header)


def test_live_key_is_refused_by_the_sandbox(developer):
    live_key, plaintext = keys.issue_api_key(developer, environment="live")
    with pytest.raises(auth.BearerError):
        auth.authenticate(f"Bearer {bearer_for(plaintext)}")


def test_reused_bearer_costs_no_rsa_operation(developer, monkeypatch):
    calls = []
    real = auth.rsa_decrypt

    def counting(private_key, ciphertext):
        calls.append(1)
        return real(private_key, ciphertext)

    monkeypatch.setattr(auth, "rsa_decrypt", counting)
    header = f"Bearer {bearer_for(developer.api_key_plaintext)}"
    for _ in range(5):
        auth.authenticate(header)
    assert len(calls) == 1
    auth.authenticate(f"Bearer {bearer_for(developer.api_key_plaintext)}")
    assert len(calls) == 2


def _counting_rsa(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = auth.rsa_decrypt
    monkeypatch.setattr(auth, "rsa_decrypt", lambda k, c: calls.append(1) or real(k, c))
    return calls


def test_a_bearer_this_process_decrypted_needs_no_shared_cache(developer, monkeypatch):
    """The process keeps its own copy of the bearer cache in front of the shared one: a
    bearer it has seen costs no round trip to Redis, and no RSA even when the shared
    cache lost it (the state check still runs: see the retired-key tests)."""
    calls = _counting_rsa(monkeypatch)
    header = f"Bearer {bearer_for(developer.api_key_plaintext)}"
    auth.authenticate(header)
    cache.clear()

    assert auth.authenticate(header).user == developer
    assert len(calls) == 1


def test_a_forgotten_bearer_is_decrypted_again(developer, monkeypatch):
    calls = _counting_rsa(monkeypatch)
    header = f"Bearer {bearer_for(developer.api_key_plaintext)}"
    auth.authenticate(header)
    auth.authenticate(header)

    auth.forget_bearer(header)

    assert auth.authenticate(header).user == developer
    assert len(calls) == 2
