from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def portal(request: HttpRequest) -> dict:
    """Values every template may use. `time_zone_name`: the zone dates render in (the
    developer's, activated by accounts.middleware.TimeZoneMiddleware; else UTC).
    `portal_languages`: settings.LANGUAGES, each named in its own language for the footer's
    switcher (the `get_available_languages` tag would translate the names: "Inglês")."""
    return {
        "portal_name": _("M-Pesa Developer Portal"),
        "time_zone_name": timezone.get_current_timezone_name(),
        "portal_languages": settings.LANGUAGES,
    }
