"""docker-compose.yml still starts with the `.env` that docs/operations.md documents, now
that DEBUG=0 refuses insecure settings (findings 3, 7, 8, 14): its environment, with that
`.env`, passes `check --deploy --fail-level WARNING` (step 5 of the deployment)."""

from __future__ import annotations

import re

import yaml
from django.conf import settings

from tests.security.production import run_manage

# The `.env` of docs/operations.md, step 1 (secrets generated there; any valid ones here).
DOCUMENTED_DOTENV = {
    "SECRET_KEY": "k3y-" + "c0mp0s3C0mp0s3xY" * 4,
    "FIELD_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "ALLOWED_HOSTS": "portal.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.com",
    "PUBLIC_BASE_URL": "https://portal.example.com",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURITY_CONTACT": "mailto:security@example.com",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.com:587",
    "ALLOW_CONSOLE_DELIVERY": "1",
}


def _interpolate(value: str, dotenv: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} against the .env file."""

    def one(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if dotenv.get(name):
            return dotenv[name]
        assert op != ":?", f"compose would stop: {arg}"
        return arg if op == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def compose_environment(dotenv: dict[str, str]) -> dict[str, str]:
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    web = compose["services"]["web"]["environment"]
    return {name: _interpolate(str(value), dotenv) for name, value in web.items()}


def test_compose_with_the_documented_env_passes_check_deploy():
    env = compose_environment(DOCUMENTED_DOTENV)
    assert env["DEBUG"] == "0" and env["REDIS_URL"]
    # No PostgreSQL host "postgres" here; `check` does not need the database anyway.
    env["DATABASE_URL"] = "sqlite:///:memory:"

    result = run_manage(
        {**env, "SINGLE_PROCESS": None}, "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "no issues" in result.stdout


def test_compose_without_a_real_mail_server_refuses_to_start():
    dotenv = {
        k: v
        for k, v in DOCUMENTED_DOTENV.items()
        if k not in {"EMAIL_URL", "ALLOW_CONSOLE_DELIVERY"}
    }
    env = compose_environment(dotenv) | {"DATABASE_URL": "sqlite:///:memory:"}

    result = run_manage({**env, "SINGLE_PROCESS": None}, "check")

    assert result.returncode != 0
    assert "EMAIL_BACKEND is the console backend" in result.stderr
