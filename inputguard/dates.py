"""Dates a filter may ask for.

A date filter turns a day into a range of datetimes (the day after `date_to`, midnight in
the developer's timezone, UTC in the database): `9999-12-31` overflowed and gave a 500,
`0001-01-01` underflows east of UTC. No call, report or callback lies outside these
bounds, so refusing the rest loses nothing (issue 18, finding 4b).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def validate_filter_date(value: date) -> None:
    """Django validator for a DateField (forms and DRF serializers alike)."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.",
            code="date_out_of_range",
        )
