"""Error tracking with Sentry (SENTRY_DSN): sentry-sdk with the Django and Celery
integrations, and `scrub_event`, which every event passes through before it is sent.

Scrubbed, wherever they appear in the event (request headers, cookies, body, query
string, extra, contexts, breadcrumbs, local variables of the stack frames): API keys,
bearers (Authorization headers), callback signing secrets, phone numbers (E.164) and
passwords. Named fields are replaced whole; free text is scrubbed by pattern.

Imported by the settings: plain Python, no Django model.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"

# A field with one of these words in its name is a secret whatever its value.
_SECRET_NAMES = re.compile(
    r"authorization|password|passwd|secret|api[_-]?key|apikey|token|bearer|cookie|"
    r"session|signature|csrf|dsn|msisdn|phone|private",
    re.IGNORECASE,
)
_PATTERNS = [
    # A bearer or any long Base64 blob (an RSA-encrypted API key is 684 characters).
    re.compile(r"(?i)bearer\s+\S+"),
    re.compile(r"[A-Za-z0-9+/]{40,}={0,2}"),
    # Callback signing secrets.
    re.compile(r"whsec_[0-9a-fA-F]+"),
    # API keys: 32 letters and digits (accounts.keys.API_KEY_LENGTH).
    re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{32}(?![A-Za-z0-9])"),
    # Phone numbers, E.164 with or without the plus (M-Pesa MSISDNs: 2557..., 000000000001).
    re.compile(r"(?<![\d.])\+?\d{9,15}(?![\d.])"),
    # password=... in query strings and form bodies.
    re.compile(r"(?i)(password\w*=)[^&\s]+"),
]


def scrub_text(text: str) -> str:
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


def scrub(value: Any, *, depth: int = 0) -> Any:
    """A copy of `value` with secret fields replaced and free text scrubbed."""
    if depth > 20:
        return REDACTED
    if isinstance(value, dict):
        return {
            key: (
                REDACTED
                if isinstance(key, str) and _SECRET_NAMES.search(key)
                else scrub(item, depth=depth + 1)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        # Sentry sends headers as [name, value] pairs in some versions.
        if len(value) == 2 and isinstance(value[0], str) and _SECRET_NAMES.search(value[0]):
            return [value[0], REDACTED]
        return [scrub(item, depth=depth + 1) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """sentry-sdk's before_send (and before_breadcrumb): the whole event, scrubbed."""
    return scrub(event)


def init_sentry(dsn: str, *, environment: str, release: str = "") -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        before_send=scrub_event,  # type: ignore[arg-type]
        before_send_transaction=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=scrub_event,
    )
