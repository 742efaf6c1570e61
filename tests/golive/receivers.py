"""Two callback receivers for the Go Live receiver probe (tests and the browser test):
one that verifies the signatures with the developer's signing secret (401 on a
mismatch), one that accepts anything (200). Real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from callbacks.signing import standard_signature, verify_signature

ACK = {"output_ResponseCode": "0", "output_ResponseDesc": "Successfully Accepted Result"}


class _Server:
    def __init__(self, secret: str | None):
        self.secret = secret
        self.seen_ids: list[str] = []
        self.received: list[dict[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = dict(self.headers.items())
                receiver.received.append(headers)
                status, reply = receiver.answer(headers, body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        return 200, ACK

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/mpesa/callback"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class VerifyingReceiver(_Server):
    """Checks X-Mpesa-Signature and webhook-signature: 401 unless both match; a delivery
    id seen before is acknowledged again without being processed twice."""

    def answer(self, headers, body):
        assert self.secret is not None
        delivery_id = headers.get("X-Mpesa-Delivery-Id", "")
        timestamp = headers.get("X-Mpesa-Timestamp", "")
        mpesa_ok = verify_signature(
            self.secret,
            delivery_id=delivery_id,
            timestamp=timestamp,
            body=body,
            header=headers.get("X-Mpesa-Signature", ""),
        )
        expected = standard_signature(
            self.secret, headers.get("webhook-id", ""), headers.get("webhook-timestamp", ""), body
        )
        standard_ok = expected in headers.get("webhook-signature", "").split(" ")
        if not (mpesa_ok and standard_ok):
            return 401, {"error": "bad signature"}
        if delivery_id not in self.seen_ids:
            self.seen_ids.append(delivery_id)
        return 200, ACK


class NaiveReceiver(_Server):
    """Accepts every callback with 200, signed or not."""

    def __init__(self):
        super().__init__(None)
