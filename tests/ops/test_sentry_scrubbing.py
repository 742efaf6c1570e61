"""What would be sent to Sentry: an exception captured by sentry-sdk (Django request data,
extra, breadcrumbs, frame variables) with a transport that keeps the events, and
scrub_event called on a hand-built event. No secret survives either."""

from __future__ import annotations

import json

import sentry_sdk
from sentry_sdk.transport import Transport

from ops.errors import REDACTED, scrub_event

API_KEY = "k3y0abcdefghijklmnopqrstuvwxyz12"  # 32 characters [a-z0-9], like ours
BEARER = "QmVhcmVyQmxvYg" * 50 + "=="  # a 700-character Base64 blob, like a real bearer
SIGNING_SECRET = "whsec_" + "ab12" * 16
PHONE = "+255712345678"
MSISDN = "000000000001"
PASSWORD = "correct horse battery staple"  # noqa: S105 (a test value)
SECRETS = [API_KEY, BEARER, SIGNING_SECRET, PHONE, MSISDN, "255712345678", PASSWORD]


def realistic_event() -> dict:
    return {
        "level": "error",
        "message": f"gateway error for key {API_KEY} from {PHONE}",
        "request": {
            "url": "https://portal.example.com/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/",
            "method": "POST",
            "headers": {
                "Authorization": f"Bearer {BEARER}",
                "X-Mpesa-Signature": "sha256=" + "f" * 64,
                "Content-Type": "application/json",
            },
            "cookies": {"sessionid": "abc"},
            "query_string": f"password={PASSWORD}&next=/",
            "data": {
                "input_CustomerMSISDN": MSISDN,
                "input_Amount": "10",
                "note": f"call me on {PHONE}",
                "password": PASSWORD,
            },
        },
        "extra": {"api_key": API_KEY, "signing": SIGNING_SECRET, "payload": "to 255712345678"},
        "breadcrumbs": {
            "values": [
                {"category": "http", "message": f"POST with Bearer {BEARER}"},
                {"category": "log", "data": {"secret": SIGNING_SECRET}},
            ]
        },
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"bad key {API_KEY}",
                    "stacktrace": {
                        "frames": [{"vars": {"plaintext": API_KEY, "secret": SIGNING_SECRET}}]
                    },
                }
            ]
        },
    }


def assert_no_secret(event: dict) -> None:
    text = json.dumps(event)
    for secret in SECRETS:
        assert secret not in text, secret
    assert REDACTED in text


def test_scrub_event_removes_every_secret_and_keeps_the_rest():
    scrubbed = scrub_event(realistic_event(), {})
    assert_no_secret(scrubbed)
    assert scrubbed["request"]["method"] == "POST"
    assert scrubbed["request"]["data"]["input_Amount"] == "10"
    assert scrubbed["request"]["headers"]["Content-Type"] == "application/json"


class KeepingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes: list = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


def test_an_exception_captured_by_sentry_sdk_is_sent_scrubbed():
    from ops.errors import scrub_event as before_send

    transport = KeepingTransport()
    client = sentry_sdk.Client(
        dsn="https://public@sentry.example.com/1",
        transport=transport,
        before_send=before_send,
        before_breadcrumb=before_send,
        include_local_variables=True,
    )
    with sentry_sdk.isolation_scope() as scope:
        scope.set_client(client)
        scope.set_extra("api_key", API_KEY)
        scope.set_extra("note", f"customer {PHONE}, password={PASSWORD}")
        sentry_sdk.add_breadcrumb(message=f"Authorization: Bearer {BEARER}")
        try:
            plaintext = API_KEY  # noqa: F841 (a local variable Sentry would send)
            signing = SIGNING_SECRET  # noqa: F841
            raise ValueError(f"gateway refused {API_KEY} for {MSISDN}")
        except ValueError:
            sentry_sdk.capture_exception()
        client.flush()
    events = [
        item.payload.json
        for envelope in transport.envelopes
        for item in envelope.items
        if item.type == "event"
    ]
    assert len(events) == 1
    assert_no_secret(events[0])
