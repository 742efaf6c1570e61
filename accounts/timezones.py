"""The developer's time zone: an IANA name checked against zoneinfo.

`User.timezone` holds it; empty means "not chosen yet" (dates then show in UTC, and the
browser's zone is stored on the next page, static/js/timezone-default.js).
`TimeZoneMiddleware` (accounts/middleware.py) activates it for every request.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT = "UTC"
# The markets' zones first in the select (Ghana, Tanzania, Mozambique, DRC, Lesotho's
# neighbour South Africa, Kenya and Egypt, where the portal's developers are).
MARKET_ZONES = (
    "Africa/Nairobi",
    "Africa/Dar_es_Salaam",
    "Africa/Maputo",
    "Africa/Kinshasa",
    "Africa/Lubumbashi",
    "Africa/Accra",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "UTC",
)
MAX_LENGTH = 64


@cache
def available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid(name: str) -> bool:
    return name in available()


def validate_time_zone(value: str) -> None:
    if value and not is_valid(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a time zone we know. Choose one from the list "
                "(IANA names such as Africa/Nairobi)."
            ),
            code="invalid_time_zone",
            params={"value": value[:MAX_LENGTH]},
        )


def effective(name: str | None) -> str:
    """The zone to use for a stored name: itself when valid, else UTC."""
    return name if name and is_valid(name) else DEFAULT


@cache
def grouped_choices() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Choices for a select: the markets' zones, then every other zone by region."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(available() - set(MARKET_ZONES)):
        region = name.split("/", 1)[0] if "/" in name else str(_("Other"))
        groups.setdefault(region, []).append((name, name.replace("_", " ")))
    markets = tuple((name, name.replace("_", " ")) for name in MARKET_ZONES if is_valid(name))
    return ((str(_("The markets' time zones")), markets),) + tuple(
        (region, tuple(zones)) for region, zones in sorted(groups.items())
    )
