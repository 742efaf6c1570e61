"""The console's bearer: what a client library computes, built here for the browser.

The console cannot hold the developer's API key in page script without showing it to
every extension on the page, so the server encrypts it on request (POST, CSRF) and
hands back only the bearer, exactly as the library files would build it.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key


def make_bearer(plaintext: str, public_key_b64: str) -> str:
    """Base64(RSA-PKCS#1-v1.5-encrypt(plaintext, public key)) (DESIGN.md, Credentials)."""
    key = load_der_public_key(base64.b64decode(public_key_b64))
    assert isinstance(key, rsa.RSAPublicKey)
    return base64.b64encode(key.encrypt(plaintext.encode("ascii"), padding.PKCS1v15())).decode()
