"""The Africa's Talking backend over real HTTP: the official SDK talks to a local fake of
the SMS API on 127.0.0.1, which records what it was sent and answers like the real one."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts import sms


class FakeAfricasTalking(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.status_code = 101  # "Sent"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeAfricasTalking

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers["Content-Length"])
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), **form})
        status = self.server.status_code
        body = {
            "SMSMessageData": {
                "Message": "Sent to 1/1 Total Cost: KES 0.8000",
                "Recipients": [
                    {
                        "statusCode": status,
                        "number": form.get("to"),
                        "status": "Success" if status == 101 else "InvalidPhoneNumber",
                        "cost": "KES 0.8000",
                        "messageId": "ATXid_1",
                    }
                ],
            }
        }
        payload = json.dumps(body).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_at(settings):
    server = FakeAfricasTalking()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "accounts.sms.AfricasTalkingBackend"
    settings.AT_USERNAME = "mpesa-portal"
    settings.AT_API_KEY = "atsk_test_key_0123456789"
    settings.AT_SENDER_ID = "MPESA"
    settings.AT_API_URL = server.url
    yield server
    server.shutdown()
    server.server_close()


def test_a_code_goes_out_through_the_sdk_with_every_field(fake_at):
    assert sms.send_sms("+254712345678", "123456 is your code") == 1

    [request] = fake_at.requests
    assert request["path"] == "/version1/messaging"
    assert request["headers"]["apiKey"] == "atsk_test_key_0123456789"
    assert request["headers"]["Accept"] == "application/json"
    assert request["username"] == "mpesa-portal"
    assert request["to"] == "+254712345678"
    assert request["message"] == "123456 is your code"
    assert request["from"] == "MPESA"


def test_a_refused_recipient_is_an_error_without_the_message(fake_at):
    fake_at.status_code = 403  # InvalidPhoneNumber

    with pytest.raises(sms.SmsDeliveryError) as error:
        sms.send_sms("+254712345678", "123456 is your code")

    assert "InvalidPhoneNumber" in str(error.value)
    assert "123456" not in str(error.value)


def test_an_unreachable_provider_is_an_error(fake_at, settings):
    settings.AT_API_URL = "http://127.0.0.1:9"  # discard port: connection refused
    with pytest.raises(sms.SmsDeliveryError):
        sms.send_sms("+254712345678", "123456 is your code")


def test_missing_credentials_refuse_to_start(settings):
    settings.SMS_BACKEND = "accounts.sms.AfricasTalkingBackend"
    settings.AT_USERNAME = ""
    with pytest.raises(ImproperlyConfigured):
        sms.send_sms("+254712345678", "x")
