"""Pluggable SMS sending, chosen by `settings.SMS_BACKEND` the way EMAIL_BACKEND is.

- `ConsoleBackend` (default for development): prints each message to stdout.
- `LocmemBackend` (tests): appends to the module-level `outbox` list.
- `FileBackend`: writes one file per message under `settings.SMS_FILE_PATH`.

A production provider is one more class with `send_messages()`.
"""

from __future__ import annotations

import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass
class SmsMessage:
    to: str
    body: str
    sent_at: object = field(default_factory=timezone.now)


# Messages sent through LocmemBackend, oldest first (cleared by the test suite).
outbox: list[SmsMessage] = []


class BaseBackend:
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        self.fail_silently = fail_silently

    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    _lock = threading.Lock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        with self._lock:
            for message in messages:
                sys.stdout.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
            sys.stdout.flush()
        return len(messages)


class LocmemBackend(BaseBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


class FileBackend(BaseBackend):
    def __init__(self, *, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(file_path or settings.SMS_FILE_PATH)

    def send_messages(self, messages: list[SmsMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.txt"
            (self.folder / name).write_text(f"To: {message.to}\n\n{message.body}\n")
        return len(messages)


def get_backend(backend: str | None = None, **kwargs: object) -> BaseBackend:
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def send_sms(to: str, body: str) -> int:
    """Send one text message through the configured backend."""
    return get_backend().send_messages([SmsMessage(to=to, body=body)])
