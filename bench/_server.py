"""Helpers shared by the benchmarks (not a benchmark itself: run_all skips files
starting with "_")."""

from __future__ import annotations

import base64
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


def bearer(secret: str, public_key_b64: str) -> str:
    """The gateway's bearer for an API key: the key encrypted with the gateway's public
    key (RSA, PKCS#1 v1.5, as the portal shows it: Base64 DER), in Base64."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    public_key = serialization.load_der_public_key(base64.b64decode(public_key_b64))
    return base64.b64encode(public_key.encrypt(secret.encode(), padding.PKCS1v15())).decode()
