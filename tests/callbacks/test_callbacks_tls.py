"""https callbacks with the address pinned: TLS still checks the certificate against the
host name of the URL (SNI), not against the IP address connected to."""

from __future__ import annotations

import datetime as dt
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction

from callbacks import outbox
from callbacks.delivery import attempt_delivery
from catalog import get_api
from netguard import ssrf
from tests.callbacks.callback_receiver import Receiver
from tests.factories import set_async_url

RESULT = {
    "output_ResponseCode": "INS-0",
    "output_ResponseDesc": "Request processed successfully",
    "output_ConversationID": "f" * 32,
    "output_ThirdPartyConversationID": "tls1",
}


def _cert(subject: str, issuer_key, issuer_name, key, *, ca: bool, san: str | None = None):
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_receiver(tmp_path, settings, monkeypatch):
    """An https listener for `listener.test` (its certificate is signed by a test CA that
    CALLBACK_CA_BUNDLE trusts); every name resolves to 127.0.0.1."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca_cert = _cert("Test CA", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("listener.test", ca_key, ca_name, key, ca=False, san="listener.test")
    (tmp_path / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    settings.CALLBACK_CA_BUNDLE = str(tmp_path / "ca.pem")
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_MAX_ATTEMPTS = 1
    monkeypatch.setattr(ssrf, "_getaddrinfo", lambda host, port: ["127.0.0.1"])
    with Receiver(ssl_context=context) as receiver:
        yield receiver


def _deliver(user, url: str):
    set_async_url(user, url)
    with transaction.atomic():
        outbox.defer_result(user=user, api=get_api("c2bPayment"), result=RESULT)
    delivery = user.callback_deliveries.latest("pk")
    return attempt_delivery(delivery.pk), delivery


def test_https_to_the_pinned_address_verifies_the_certificate_name(developer, tls_receiver):
    status, _ = _deliver(developer, f"https://listener.test:{tls_receiver.port}/cb")
    assert status == "delivered"
    [got] = tls_receiver.wait_for(1)
    assert got.headers["Host"] == f"listener.test:{tls_receiver.port}"


def test_https_certificate_for_another_name_is_refused(developer, tls_receiver):
    status, delivery = _deliver(developer, f"https://impostor.test:{tls_receiver.port}/cb")
    assert status == "failed"
    assert tls_receiver.received == []
    error = delivery.attempts.get().error
    assert error.startswith("Connection failed")
    assert "hostname 'impostor.test' doesn't match 'listener.test'" in error


def test_https_certificate_from_an_untrusted_ca_is_refused(developer, tls_receiver, settings):
    settings.CALLBACK_CA_BUNDLE = ""  # public CAs only: the test CA is unknown
    status, delivery = _deliver(developer, f"https://listener.test:{tls_receiver.port}/cb")
    assert status == "failed"
    assert "certificate verify failed" in delivery.attempts.get().error


def test_a_connection_kept_for_one_name_does_not_carry_another(developer, tls_receiver):
    """Connections are kept per host name: the next attempt for another name on the same
    address makes its own handshake, and the certificate check refuses it."""
    status, _ = _deliver(developer, f"https://listener.test:{tls_receiver.port}/cb")
    assert status == "delivered"
    status, delivery = _deliver(developer, f"https://impostor.test:{tls_receiver.port}/cb")
    assert status == "failed"
    assert len(tls_receiver.received) == 1
    assert "hostname 'impostor.test' doesn't match 'listener.test'" in delivery.attempts.get().error
