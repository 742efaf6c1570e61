"""The library files: built by sdk/build.sh (make sdk, the Docker build), served for
download from the docs."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from django.urls import reverse

from apis import library

pytestmark = pytest.mark.django_db


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_python_wheel_downloads_as_an_installable_wheel(client):
    response = client.get(reverse("apis:library-python"))

    assert response.status_code == 200
    assert 'filename="mpesa_portal_sdk-1.0.0-py3-none-any.whl"' in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(_content(response))).namelist()
    assert "mpesa_portal_sdk/api.py" in names
    assert "mpesa_portal_sdk-1.0.0.dist-info/METADATA" in names


def test_java_jar_downloads_with_the_sdk_classes(client, javac):
    response = client.get(reverse("apis:library-java"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/java-archive"
    assert 'filename="portal-sdk.jar"' in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(_content(response))).namelist()
    for cls in ("APIContext", "APIRequest", "APIMethodType", "APIResponse"):
        assert f"mpesa/portal/sdk/{cls}.class" in names


def test_missing_library_file_is_a_503_page_and_nothing_is_built(client, monkeypatch):
    monkeypatch.setattr(library, "WHEEL_DIR", library.SDK_DIR / "no-such-folder")
    monkeypatch.setattr(library, "JAR_PATH", library.SDK_DIR / "no-such-folder" / "x.jar")
    ran = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: ran.append(a))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: ran.append(a))

    for name in ("apis:library-python", "apis:library-java"):
        response = client.get(reverse(name))

        assert response.status_code == 503
        html = response.content.decode()
        assert "the library files were not built" in html
        assert "make sdk" in html
    assert ran == []  # a request never starts a build


def test_downloads_refuse_post(client):
    assert client.post(reverse("apis:library-python")).status_code == 405
    assert client.post(reverse("apis:library-java")).status_code == 405
