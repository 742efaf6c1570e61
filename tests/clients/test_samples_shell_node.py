"""The curl and Node.js samples of the API pages, run as shown against the live server.
(PHP and C# are not installed on the CI image; their samples are covered by
tests/apis/test_samples.py only.)"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.clients.sample_pages import sample_from_page
from tests.conftest import missing

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("slug", "status"), [("c2bPayment", "201"), ("queryTransactionStatus", "200")]
)
def test_curl_sample_as_shown_returns_ins_0(
    live_server, developer, settings, tmp_path, slug, status
):
    for tool in ("bash", "curl", "openssl"):
        if not shutil.which(tool):
            missing(f"{tool} is not installed")
    script = tmp_path / "sample.sh"
    script.write_text(sample_from_page(live_server, developer, slug, "curl", settings))

    result = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"HTTP/1.1 {status}")
    body = json.loads(result.stdout.splitlines()[-1])
    assert body["output_ResponseCode"] == "INS-0"


@pytest.mark.parametrize(
    ("slug", "status"), [("reversal", "201"), ("queryTransactionStatus", "200")]
)
def test_node_sample_as_shown_returns_ins_0(
    live_server, developer, settings, tmp_path, slug, status
):
    node = shutil.which("node")
    if not node:
        missing("Node.js is not installed")
    script = tmp_path / f"{slug}.mjs"
    script.write_text(sample_from_page(live_server, developer, slug, "node", settings))

    result = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == status
    body = json.loads(result.stdout[result.stdout.index('\n{\n  "output_') + 1 :])
    assert body["output_ResponseCode"] == "INS-0"
