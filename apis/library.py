"""The library files served for download: the Python wheel and portal-sdk.jar.

`sdk/build.sh` (run by `make run`, `make test` and `make sdk`) writes them into
git-ignored folders. A portal started without it builds them on the first download.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

SDK_DIR = Path(settings.BASE_DIR) / "sdk"
WHEEL_DIR = SDK_DIR / "python" / "dist"
JAR_PATH = SDK_DIR / "java" / "build" / "portal-sdk.jar"
BUILD_TIMEOUT_SECONDS = 180

# A failed build (no JDK, say) is not retried on every download: at most once per
# RETRY_SECONDS per process.
RETRY_SECONDS = 600
_build_lock = threading.Lock()
_last_attempt = {"at": float("-inf")}


def python_wheel() -> Path | None:
    wheels = sorted(WHEEL_DIR.glob("mpesa_portal_sdk-*-py3-none-any.whl"))
    return wheels[-1] if wheels else None


def java_jar() -> Path | None:
    return JAR_PATH if JAR_PATH.is_file() else None


def build() -> None:
    """Run sdk/build.sh once at a time; failures are logged, the caller then 404s."""
    with _build_lock:
        if python_wheel() and java_jar():
            return
        if time.monotonic() - _last_attempt["at"] < RETRY_SECONDS:
            return
        _last_attempt["at"] = time.monotonic()
        try:
            subprocess.run(  # noqa: S603 - fixed script of this repository
                [str(SDK_DIR / "build.sh")],
                check=True,
                capture_output=True,
                timeout=BUILD_TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("building the library files failed: %s", exc)


def get_python_wheel() -> Path | None:
    if python_wheel() is None:
        build()
    return python_wheel()


def get_java_jar() -> Path | None:
    if java_jar() is None:
        build()
    return java_jar()
