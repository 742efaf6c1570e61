"""One logging filter that takes secrets out of every log line (issue 18, finding 2).

Attached to every handler in settings.LOGGING, so whatever logs (our request log,
django.security.csrf quoting a reset-link path, a library echoing a URL, a traceback
holding a header) is redacted before it is written. Best effort by pattern: it is the net
under the rule "never log a secret", not a licence to log one.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # One-time links: password reset (uidb36-key) and email activation keys in paths.
    (re.compile(r"(/password/reset/key/)(?![(<\[])[^/\s\"']+"), rf"\1{REDACTED}"),
    (re.compile(r"(/confirm-email/)(?![(<\[])[^/\s\"']+"), rf"\1{REDACTED}"),
    # Authorization headers and bearers (gateway bearers, session ids).
    (re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9+/=._~-]{16,}"), rf"\1{REDACTED}"),
    (
        re.compile(
            r"(?i)(\b(?:authorization|api[_-]?key|apikey|password|secret|token)"
            r"[\"']?\s*[:=]\s*[\"']?)(?!bearer\s)[^\s\"'&,;}]+"
        ),
        rf"\1{REDACTED}",
    ),
    # Query strings: every value (gateway parameters carry MSISDNs, links carry keys).
    (re.compile(r"([?&][A-Za-z0-9_.\[\]-]+=)[^&\s\"'#]*"), rf"\1{REDACTED}"),
    # Sandbox API keys: 32 characters of [a-z0-9] with at least one digit and one letter.
    (re.compile(r"\b(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{32}\b"), REDACTED),
    # Phone numbers: E.164 (+ and 8-15 digits) or a bare MSISDN of 10-15 digits.
    (re.compile(r"(?<![\w.])\+\d{8,15}\b"), "[phone]"),
    (re.compile(r"(?<![\w.:-])\d{10,15}(?![\w.:-])"), "[phone]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites the record's message (and its traceback text) with secrets replaced."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
