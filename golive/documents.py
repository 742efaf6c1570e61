"""Go Live documents (certificate of incorporation, director's ID): what is accepted,
judged from the content's first bytes, never from the name or the browser's type."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Magic bytes -> (media type, extension).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
EXTENSION_TYPES = {ext: media for _magic, media, ext in SIGNATURES}


def sniff(head: bytes) -> tuple[str, str] | None:
    """(media type, extension) of a PDF, PNG or JPEG by its first bytes, else None."""
    for magic, media, extension in SIGNATURES:
        if head.startswith(magic):
            return media, extension
    return None


def validate_document(upload) -> tuple[str, str]:
    """Raise ValidationError unless `upload` is a PDF, PNG or JPEG of at most 5 MB."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("This file is larger than 5 MB: upload a smaller scan."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            _("This file is not a PDF, PNG or JPEG (judged from its content, not its name).")
        )
    return kind
