"""The Java samples of the API pages, compiled with javac against the portal-sdk.jar the
portal serves, and run against the live test server."""

from __future__ import annotations

import subprocess

import pytest

from apis import library
from apis.catalog import get_api
from apis.samples import class_name
from tests.clients.sample_pages import sample_from_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def jar(javac):
    path = library.get_java_jar()
    assert path is not None, "sdk/build.sh could not build portal-sdk.jar"
    return path


def _compile_and_run(javac, jar, code: str, cls: str, folder) -> subprocess.CompletedProcess:
    source = folder / f"{cls}.java"
    source.write_text(code)
    subprocess.run(
        [javac, "-cp", str(jar), "-d", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return subprocess.run(
        ["java", "-cp", f"{jar}:{folder}", cls],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("slug", "status"),
    [("c2bPayment", "201"), ("reversal", "201"), ("queryTransactionStatus", "200")],
)
def test_java_sample_compiles_against_the_jar_and_returns_ins_0(
    live_server, developer, settings, tmp_path, javac, jar, slug, status
):
    code = sample_from_page(live_server, developer, slug, "java", settings)
    assert developer.api_key_plaintext in code

    result = _compile_and_run(javac, jar, code, class_name(get_api(slug)), tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == status
    assert '"output_ResponseCode":"INS-0"' in lines[-1].replace(" ", "")


def test_without_library_java_guide_code_gets_a_session(
    live_server, developer, settings, tmp_path, javac
):
    import html
    import re

    from django.test import Client
    from django.urls import reverse

    settings.PUBLIC_BASE_URL = live_server.url
    client = Client()
    client.force_login(developer)
    page = client.get(reverse("apis:guide", args=["without-library"])).content.decode()
    code = html.unescape(re.search(r'id="without-library-java">(.*?)</code>', page, re.S)[1])
    (tmp_path / "Main.java").write_text(code)
    subprocess.run(
        [javac, "-d", str(tmp_path), str(tmp_path / "Main.java")], check=True, timeout=120
    )

    result = subprocess.run(
        ["java", "-cp", str(tmp_path), "Main"], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 ") and "INS-0" in result.stdout
