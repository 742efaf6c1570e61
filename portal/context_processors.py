from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.jsi18n import catalogue_url


def portal(request: HttpRequest) -> dict:
    """Values every template may use. `time_zone_name`: the zone dates render in (the
    developer's, activated by accounts.middleware.TimeZoneMiddleware; else UTC).
    `js_catalog_url`: the scripts' translations in the page's language (portal/jsi18n.py),
    computed only when a template shows it. `portal_languages`: settings.LANGUAGES, each
    named in its own language for the footer's switcher (the `get_available_languages`
    tag would translate the names: "Inglês")."""
    return {
        "portal_name": _("M-Pesa Developer Portal"),
        "time_zone_name": timezone.get_current_timezone_name(),
        "js_catalog_url": lambda: catalogue_url(translation.get_language()),
        "portal_languages": settings.LANGUAGES,
    }
