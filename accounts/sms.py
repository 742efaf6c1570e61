"""Pluggable SMS sending, chosen by `settings.SMS_BACKEND` the way EMAIL_BACKEND is.

- `ConsoleBackend` (default for development): prints each message to stdout.
- `LocmemBackend` (tests): appends to the module-level `outbox` list.
- `FileBackend`: writes one file per message under `settings.SMS_FILE_PATH`.
- `AfricasTalkingBackend` (production): Africa's Talking's SMS API through its official
  SDK (`africastalking`), configured by AT_USERNAME, AT_API_KEY and AT_SENDER_ID.
"""

from __future__ import annotations

import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import africastalking
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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


class SmsDeliveryError(Exception):
    """The provider refused a message (its reason is in the text, never the message)."""


# Africa's Talking's per-recipient statusCode values that mean "accepted": 100 Processed,
# 101 Sent, 102 Queued (https://developers.africastalking.com/docs/sms/sending/bulk).
_AT_ACCEPTED = {100, 101, 102}


class AfricasTalkingBackend(BaseBackend):
    """Sends through the official SDK's SMSService.

    `AT_USERNAME=sandbox` uses Africa's Talking's sandbox (the SDK switches host);
    `AT_API_URL` points the SDK at another base URL (a local fake in tests, a proxy).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not settings.AT_USERNAME or not settings.AT_API_KEY:
            raise ImproperlyConfigured(
                "SMS_BACKEND is AfricasTalkingBackend but AT_USERNAME or AT_API_KEY is not set."
            )
        self.service = africastalking.SMSService(settings.AT_USERNAME, settings.AT_API_KEY)
        if settings.AT_API_URL:
            # The SDK keeps its API root in _baseUrl (SMSService adds /version1 to it).
            self.service._baseUrl = settings.AT_API_URL.rstrip("/") + "/version1"
        self.sender_id = settings.AT_SENDER_ID or None

    def send_messages(self, messages: list[SmsMessage]) -> int:
        sent = 0
        for message in messages:
            try:
                answer = self.service.send(message.body, [message.to], sender_id=self.sender_id)
                recipients = answer["SMSMessageData"]["Recipients"]
                codes = {int(r.get("statusCode", 0)) for r in recipients}
                if not recipients or not codes <= _AT_ACCEPTED:
                    statuses = ", ".join(str(r.get("status")) for r in recipients) or "none"
                    raise SmsDeliveryError(f"Africa's Talking refused the SMS: {statuses}")
            except Exception as error:
                if self.fail_silently:
                    continue
                if isinstance(error, SmsDeliveryError):
                    raise
                raise SmsDeliveryError(f"Africa's Talking: {type(error).__name__}") from error
            sent += 1
        return sent


def get_backend(backend: str | None = None, **kwargs: object) -> BaseBackend:
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def send_sms(to: str, body: str) -> int:
    """Send one text message through the configured backend."""
    return get_backend().send_messages([SmsMessage(to=to, body=body)])
