"""The usage panel and the Alerts box in a browser, at desktop and phone widths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import keys, services
from callbacks.models import CallbackDelivery
from tests.e2e.test_callbacks_page import sign_in
from tests.factories import ApiCallFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_usage_panel_and_alert_switches(page, live_server, developer, screenshot, width):
    key = keys.active_api_key(developer)
    for n in range(8):
        ApiCallFactory(api_key=key, user=developer, is_success=n > 1)
    CallbackDelivery.objects.create(
        user=developer, operation="c2bPayment", url="https://example.com/cb",
        status="failed", attempt_count=8, max_attempts=8, next_attempt_at=timezone.now(),
    )  # fmt: skip
    services.renew_api_key(developer, overlap=timedelta(days=3))
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, developer)

    page.goto("/")
    panel = page.get_by_role("region", name="Your usage today")
    assert "75%" in panel.inner_text()
    assert "Keys about to expire" in panel.inner_text()
    screenshot(page, f"home-{width}")

    page.goto("/profile/integration/#alerts")
    page.get_by_label("Email me when callbacks keep failing (at most hourly)").uncheck()
    page.get_by_role("button", name="Save alerts").click()
    assert "Alert emails of" in page.content()
    assert page.url.endswith("/profile/integration/")
    assert not page.get_by_label(
        "Email me when callbacks keep failing (at most hourly)"
    ).is_checked()
    screenshot(page, f"profile-{width}")
