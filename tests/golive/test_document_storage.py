"""Go Live documents: local media by default, an S3-compatible bucket through
django-storages when AWS_STORAGE_BUCKET_NAME is set (settings are read at start-up, so
each case runs the portal's settings in a fresh process)."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
from django.core.files.storage import storages
storage = storages["default"]
print(type(storage).__module__ + "." + type(storage).__name__)
print(getattr(storage, "bucket_name", ""), getattr(storage, "endpoint_url", ""))
print(getattr(storage, "default_acl", ""), getattr(storage, "querystring_auth", ""))
"""


def _storage_in_a_fresh_process(**env: str) -> list[str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "portal.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + PROBE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_documents_are_local_files_by_default():
    backend, *_ = _storage_in_a_fresh_process()
    assert backend == "django.core.files.storage.filesystem.FileSystemStorage"


def test_a_bucket_setting_stores_documents_in_s3_privately():
    backend, where, access = _storage_in_a_fresh_process(
        AWS_STORAGE_BUCKET_NAME="golive-documents",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    assert backend == "storages.backends.s3.S3Storage"
    assert where == "golive-documents http://127.0.0.1:9000"
    # Never public: private objects, reachable only through signed URLs the portal's
    # checking view hands out.
    assert access == "private True"
