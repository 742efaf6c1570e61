"""Screenshots of pages, for people to look at: taken only when asked for.

`pytest --screenshots` (or `make screenshots`) saves them under test-artifacts/; a plain
run (`make test`, CI) skips them, because a full-page PNG costs 0.2-0.5 s of CPU and the
suite takes about a hundred. The browser tests assert what they check either way; the
pictures are for the review of a page (desktop and phone width, each language).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
FOLDER = ARTIFACTS / "screenshots"

enabled = False  # set from --screenshots (tests/conftest.py)


def save(target, path: Path, *, full_page: bool = True) -> Path | None:
    """Save a Playwright Page (the whole page, or the viewport with full_page=False) or
    Locator (the element) as PNG at `path`; None when screenshots are off."""
    if not enabled:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(target, Page):
        target.screenshot(path=str(path), full_page=full_page)
    else:
        target.screenshot(path=str(path))
    return path
