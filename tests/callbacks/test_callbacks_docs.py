"""The signature-verification samples of docs/callbacks.md, run against a real callback:
the Python one in this process, the Node one with `node`."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from callbacks import outbox, signing
from callbacks.delivery import attempt_delivery
from catalog import get_api
from tests.callbacks.callback_receiver import Receiver
from tests.conftest import missing
from tests.factories import set_async_url

DOC = Path(settings.BASE_DIR) / "docs" / "callbacks.md"


def sample(language: str, marker: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.S)
    [code] = [b for b in blocks if marker in b]
    return code


@pytest.fixture
def received(developer, settings):
    """A real callback as a listener gets it, and the developer's secret."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    result = {
        "output_ResponseCode": "INS-0",
        "output_ResponseDesc": "Request processed successfully",
        "output_TransactionID": "G27DEn1DLoQ3",
        "output_ConversationID": "08536a5d65ea4f50866db06f577cc5c1",
        "output_ThirdPartyConversationID": "asv02e5958774f7ba228d83d0d689761",
    }
    with Receiver() as receiver:
        set_async_url(developer, receiver.url)
        with transaction.atomic():
            outbox.defer_result(user=developer, api=get_api("c2bPayment"), result=result)
        attempt_delivery(developer.callback_deliveries.get().pk)
        [got] = receiver.wait_for(1)
    return got, signing.get_signing_secret(developer).secret


def test_python_sample_verifies_a_real_callback(received):
    got, secret = received
    namespace: dict = {}
    exec(sample("python", "def verify_callback"), namespace)  # noqa: S102 (our own docs)
    verify = namespace["verify_callback"]
    assert verify(secret, got.headers, got.body)
    assert not verify(secret, got.headers, got.body.replace(b"INS-0", b"INS-1"))
    assert not verify("whsec_wrong", got.headers, got.body)
    stale = {**got.headers, "X-Mpesa-Timestamp": str(int(got.headers["X-Mpesa-Timestamp"]) - 3600)}
    assert not verify(secret, stale, got.body)


def test_node_sample_verifies_a_real_callback(received, tmp_path):
    node = shutil.which("node")
    if not node:
        missing("node is not installed")
    got, secret = received
    (tmp_path / "verify.js").write_text(sample("javascript", "function verifyCallback"))
    script = """
const { verifyCallback } = require("./verify.js");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const headers = Object.fromEntries(
  Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
const body = Buffer.from(input.body, "base64");
const tampered = Buffer.from(input.body.replace(/=*$/, ""), "base64");
tampered[0] ^= 1;
console.log(JSON.stringify([verifyCallback(input.secret, headers, body),
                            verifyCallback(input.secret, headers, tampered)]));
"""
    (tmp_path / "main.js").write_text(script)
    data = {"headers": got.headers, "body": base64.b64encode(got.body).decode(), "secret": secret}
    out = subprocess.run(
        [node, "main.js"],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=30,
        check=True,
    )
    assert json.loads(out.stdout) == [True, False]


# --- Standard Webhooks: the official library verifies the same real callback ----------

NODE_MODULES = Path(settings.BASE_DIR) / "var" / "node" / "node_modules"


def test_standard_webhooks_python_sample_verifies_a_real_callback(received):
    got, secret = received
    namespace: dict = {}
    exec(sample("python", "def verify_standard_webhook"), namespace)  # noqa: S102 (our docs)
    verify = namespace["verify_standard_webhook"]
    assert got.headers["webhook-id"] == got.headers["X-Mpesa-Delivery-Id"]
    assert got.headers["webhook-signature"].startswith("v1,")
    assert verify(secret, got.headers, got.body) == json.loads(got.body)
    assert verify(secret, got.headers, got.body.replace(b"INS-0", b"INS-1")) is None
    assert verify("whsec_" + base64.b64encode(b"x" * 32).decode(), got.headers, got.body) is None
    stale = {**got.headers, "webhook-timestamp": str(int(got.headers["webhook-timestamp"]) - 3600)}
    assert verify(secret, stale, got.body) is None


def test_standard_webhooks_node_sample_verifies_a_real_callback(received, tmp_path):
    """The official npm package, installed for the tests only:
    `cd var/node && npm install standardwebhooks@1.1.1` (var/ is git-ignored)."""
    node = shutil.which("node")
    if not node:
        missing("node is not installed")
    if not (NODE_MODULES / "standardwebhooks").is_dir():
        missing("npm package standardwebhooks: cd var/node && npm install standardwebhooks@1.1.1")
    got, secret = received
    (tmp_path / "verify.js").write_text(sample("javascript", "function verifyStandardWebhook"))
    script = """
const { verifyStandardWebhook } = require("./verify.js");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const body = Buffer.from(input.body, "base64");
const tampered = Buffer.from(body);
tampered[2] ^= 1;
console.log(JSON.stringify([verifyStandardWebhook(input.secret, input.headers, body),
                            verifyStandardWebhook(input.secret, input.headers, tampered)]));
"""
    (tmp_path / "main.js").write_text(script)
    data = {"headers": got.headers, "body": base64.b64encode(got.body).decode(), "secret": secret}
    out = subprocess.run(
        [node, "main.js"],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"NODE_PATH": str(NODE_MODULES), "PATH": os.environ.get("PATH", "")},
        timeout=30,
        check=True,
    )
    assert json.loads(out.stdout) == [json.loads(got.body), None]


def test_both_signatures_use_the_same_secret(received):
    """X-Mpesa-Signature keys with the secret string, webhook-signature with its bytes."""
    got, secret = received
    assert signing.verify_signature(
        secret,
        delivery_id=got.headers["webhook-id"],
        timestamp=got.headers["webhook-timestamp"],
        body=got.body,
        header=got.headers["X-Mpesa-Signature"],
    )
    assert got.headers["webhook-signature"] == signing.standard_signature(
        secret, got.headers["webhook-id"], got.headers["webhook-timestamp"], got.body
    )
