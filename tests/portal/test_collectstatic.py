"""Production static files: WhiteNoise's compressed manifest builds from every asset
(the Dockerfile runs this with DEBUG off), so no page refers to a missing file."""

import os
import subprocess
import sys

from django.conf import settings


def test_collectstatic_with_production_storage(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "collectstatic-build-placeholder-not-used-at-runtime-000000",
        "FIELD_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "SINGLE_PROCESS": "1",  # a build step, as in the Dockerfile
        "ALLOW_CONSOLE_DELIVERY": "1",
    }
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; "
        "django.setup(); from django.conf import settings; "
        f"settings.STATIC_ROOT = {str(tmp_path / 'static')!r}; "
        "from django.core.management import call_command; "
        "call_command('collectstatic', '--noinput', verbosity=0)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    for asset in (
        "css/portal.css",
        "vendor/plotly/plotly-basic.min.js",
        "vendor/swagger-ui/swagger-ui.css",
    ):
        assert f'"{asset}"' in manifest
