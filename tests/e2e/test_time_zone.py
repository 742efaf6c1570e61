"""In the browser: the developer's first page stores the browser's time zone."""

from __future__ import annotations

import time

from django.test import Client

from accounts.models import User


def stored(user) -> str:
    return User.objects.values_list("timezone", flat=True).get(pk=user.pk)


def wait_for_zone(user, expected: str, timeout: float = 30.0) -> str:
    """Bounded poll on the database (the script posts after the page has loaded)."""
    deadline = time.monotonic() + timeout
    value = stored(user)
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        value = stored(user)
    return value


def _context(_browser, live_server, user, **options):
    client = Client()
    client.force_login(user)
    context = _browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_the_first_visit_stores_the_browsers_zone(_browser, live_server, developer, screenshot):
    assert stored(developer) == ""
    context = _context(_browser, live_server, developer, timezone_id="Africa/Nairobi")
    try:
        page = context.new_page()
        page.goto("/")

        assert wait_for_zone(developer, "Africa/Nairobi") == "Africa/Nairobi"

        page.goto("/profile/account/#time-zone")
        section = page.locator("#time-zone")
        assert "Dates are shown in Africa/Nairobi." in section.inner_text()
        assert page.get_by_role("combobox", name="Time zone").input_value() == "Africa/Nairobi"
        # Once stored, pages no longer carry the script.
        assert page.locator("script[src*='timezone-default']").count() == 0
        screenshot(section, "time-zone-card")
    finally:
        context.close()


def test_a_chosen_zone_is_not_replaced_by_the_browsers(_browser, live_server, developer):
    developer.timezone = "Africa/Accra"
    developer.save(update_fields=["timezone"])
    context = _context(_browser, live_server, developer, timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        page.goto("/profile/account/")
        assert page.locator("script[src*='timezone-default']").count() == 0
        assert page.get_by_role("combobox", name="Time zone").input_value() == "Africa/Accra"
    finally:
        context.close()
    assert stored(developer) == "Africa/Accra"
