"""A developer's callback listener for tests and the benchmark: a real HTTP/1.1 server on
127.0.0.1 (a thread per connection, connections kept alive as most listeners keep them),
answering from a script and recording what it received."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACK = {
    "output_OriginalConversationID": "",
    "output_ResponseCode": "0",
    "output_ResponseDesc": "Successfully Accepted Result",
    "output_ThirdPartyConversationID": "",
}


@dataclass
class Reply:
    status: int = 200
    body: dict | str = field(default_factory=lambda: dict(ACK))
    delay: float = 0.0  # seconds to wait before answering (longer than the timeout: "never")
    # Close the connection without answering, as a listener whose keep-alive timeout
    # fires just as the request arrives does.
    drop: bool = False


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when the request arrived
    peer: tuple = ()  # the client's (address, port): one per connection

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """Answers request n with script[n] (the last entry repeats)."""

    def __init__(self, script: list[Reply] | None = None, port: int = 0, ssl_context=None):
        self.script = script or [Reply()]
        self.received: list[Received] = []
        self._lock = threading.Condition()
        self._connections: set[socket.socket] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive: a client may send many requests on one connection (the
            # workers' pooled connections); every answer carries its Content-Length.
            protocol_version = "HTTP/1.1"
            # The headers and the body go out in two writes: without TCP_NODELAY the
            # second waits for the client's delayed ACK (~40 ms) on a kept-alive connection.
            disable_nagle_algorithm = True

            def setup(self):
                super().setup()
                with receiver._lock:
                    receiver._connections.add(self.connection)

            def finish(self):
                with receiver._lock:
                    receiver._connections.discard(self.connection)
                super().finish()

            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    n = len(receiver.received)
                    receiver.received.append(
                        Received(
                            self.path,
                            dict(self.headers.items()),
                            body,
                            time.time(),
                            tuple(self.client_address),
                        )
                    )
                    receiver._lock.notify_all()
                reply = receiver.script[min(n, len(receiver.script) - 1)]
                if reply.drop:
                    self.close_connection = True
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = payload.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the sender gave up waiting (timeout tests)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if ssl_context is not None:  # https: the handshake happens per connection
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}/mpesa/callback"

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        # Kept-alive connections end with the receiver, as they would with a listener's
        # process: a client's next request on one fails (and is retried on a new one).
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                conn.shutdown(socket.SHUT_RDWR)
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Block until `count` requests arrived; AssertionError after `timeout`."""
        with self._lock:
            ok = self._lock.wait_for(lambda: len(self.received) >= count, timeout=timeout)
            assert ok, f"expected {count} callback(s), got {len(self.received)} in {timeout}s"
            return list(self.received)


if __name__ == "__main__":
    # A listener for trying asynchronous mode by hand (docs/callbacks.md):
    #   .venv/bin/python -m tests.callbacks.callback_receiver 8120
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8120
    with Receiver(port=port) as receiver:
        print(f"listening on {receiver.url} (any path); Ctrl-C stops", flush=True)
        seen = 0
        try:
            while True:
                for got in receiver.wait_for(seen + 1, timeout=3600)[seen:]:
                    seen += 1
                    print(got.headers.get("X-Mpesa-Delivery-Id"), got.body.decode(), flush=True)
        except KeyboardInterrupt:
            pass
