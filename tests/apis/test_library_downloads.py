"""The library files: served for download from the docs, built by sdk/build.sh."""

from __future__ import annotations

import io
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


def test_missing_library_file_that_cannot_be_built_is_404(client, monkeypatch):
    monkeypatch.setattr(library, "python_wheel", lambda: None)
    monkeypatch.setattr(library, "java_jar", lambda: None)
    built = []
    monkeypatch.setattr(library, "build", lambda: built.append(True))

    assert client.get(reverse("apis:library-python")).status_code == 404
    assert client.get(reverse("apis:library-java")).status_code == 404
    assert built == [True, True]  # each download tried to build first


def test_downloads_refuse_post(client):
    assert client.post(reverse("apis:library-python")).status_code == 405
    assert client.post(reverse("apis:library-java")).status_code == 405


def test_a_failed_build_is_not_retried_on_every_download(monkeypatch):
    monkeypatch.setattr(library, "python_wheel", lambda: None)
    monkeypatch.setattr(library, "_last_attempt", {"at": float("-inf")})
    runs = []
    monkeypatch.setattr(library.subprocess, "run", lambda *a, **k: runs.append(a))

    library.build()
    library.build()

    assert len(runs) == 1
