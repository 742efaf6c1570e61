"""The plaintext API key never reaches the logs."""

import logging

import pytest

from accounts import keys

pytestmark = pytest.mark.django_db


def test_no_plaintext_key_in_logs_through_activation_reveal_and_renewal(
    newcomer_client, newcomer, sms_outbox, caplog
):
    from tests.accounts.conftest import code_from

    caplog.set_level(logging.DEBUG)
    newcomer_client.post("/profile/phone/", {"phone_number": "+254712345678"})
    newcomer_client.post("/profile/phone/confirm/", {"code": code_from(sms_outbox[0])})
    first = keys.active_api_key(newcomer).plaintext
    newcomer_client.get("/profile/")
    newcomer_client.post("/profile/api-key/reveal/", HTTP_ACCEPT="application/json")
    newcomer_client.post("/profile/api-key/renew/")
    second = keys.active_api_key(newcomer).plaintext
    newcomer_client.get("/profile/")

    assert caplog.records, "the request log should have recorded these requests"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert first not in logged
    assert second not in logged
