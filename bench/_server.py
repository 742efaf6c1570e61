"""Helpers shared by the benchmarks that start gunicorn (not a benchmark itself: run_all
skips files starting with "_")."""

from __future__ import annotations

import socket
import subprocess
import time

HOST = "127.0.0.1"


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    """Wait until the server on HOST:port answers /healthz with 200 (60 s at most)."""
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with socket.create_connection((HOST, port), timeout=1) as s:
                s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")
