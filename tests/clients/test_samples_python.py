"""The Python samples of the API pages, copied as shown and run against the live server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from apis import library
from tests.clients.sample_pages import fill_in_key, sample_from_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def sdk_install(tmp_path_factory):
    """The wheel the portal serves, pip-installed into a folder of its own."""
    wheel = library.python_wheel()
    assert wheel is not None, "the wheel is not built: run make sdk"
    target = tmp_path_factory.mktemp("sdk-install")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=120,
    )
    return target


def _run(code: str, tmp_path, sdk_install) -> subprocess.CompletedProcess:
    script = tmp_path / "sample.py"
    script.write_text(code)
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PYTHONPATH": str(sdk_install), "PATH": "/usr/bin:/bin"},
    )


def _body(stdout: str) -> dict:
    # The sample prints the status, the headers, then the body as indented JSON.
    return json.loads("\n".join(stdout.splitlines()[2:]))


@pytest.mark.parametrize(
    ("slug", "status"),
    [("c2bPayment", "201"), ("queryTransactionStatus", "200"), ("reversal", "201")],
)
def test_python_sample_as_shown_returns_ins_0(
    live_server, developer, settings, tmp_path, sdk_install, slug, status
):
    code = sample_from_page(live_server, developer, slug, "python", settings)
    assert developer.api_key_plaintext in code

    result = _run(code, tmp_path, sdk_install)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == status
    assert _body(result.stdout)["output_ResponseCode"] == "INS-0"


def test_python_sample_runs_twice_without_a_duplicate(
    live_server, developer, settings, tmp_path, sdk_install
):
    code = sample_from_page(live_server, developer, "c2bPayment", "python", settings)

    first = _run(code, tmp_path, sdk_install)
    second = _run(code, tmp_path, sdk_install)

    assert _body(first.stdout)["output_ResponseCode"] == "INS-0"
    assert _body(second.stdout)["output_ResponseCode"] == "INS-0"


def test_without_library_python_guide_code_gets_a_session(
    live_server, developer, settings, tmp_path
):
    import html
    import re

    from django.test import Client
    from django.urls import reverse

    settings.PUBLIC_BASE_URL = live_server.url
    client = Client()
    client.force_login(developer)
    page = client.get(reverse("apis:guide", args=["without-library"])).content.decode()
    code = html.unescape(re.search(r'id="without-library-python">(.*?)</code>', page, re.S)[1])
    code = fill_in_key(client, code)
    script = tmp_path / "bearer.py"
    script.write_text(code)

    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 ") and "INS-0" in result.stdout
