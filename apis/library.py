"""The library files served for download: the Python wheel and portal-sdk.jar.

`sdk/build.sh` writes them into git-ignored folders: `make sdk` (which `make run` and
`make test` run first) and the Docker image's build stage. The portal only serves them;
a request never builds one (a build takes minutes and needs a JDK and a writable sdk/).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

SDK_DIR = Path(settings.BASE_DIR) / "sdk"
WHEEL_DIR = SDK_DIR / "python" / "dist"
JAR_PATH = SDK_DIR / "java" / "build" / "portal-sdk.jar"


def python_wheel() -> Path | None:
    wheels = sorted(WHEEL_DIR.glob("mpesa_portal_sdk-*-py3-none-any.whl"))
    return wheels[-1] if wheels else None


def java_jar() -> Path | None:
    return JAR_PATH if JAR_PATH.is_file() else None
