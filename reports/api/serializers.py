from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from inputguard.dates import validate_filter_date
from reports.columns import COLUMNS, Column, Kind
from reports.forms import MAX_DAYS
from reports.queries import Outcome


class SelectionQuerySerializer(serializers.Serializer):
    """Query parameters shared by calls and summary: the same filters as the Reports page.

    Dates are whole days in the developer's timezone (My Profile), both included; the
    default is the last 30 days.
    """

    key = serializers.UUIDField(
        required=False,
        help_text="public_id of one of your API keys (GET /keys/); default: the bearer's key.",
    )
    application = serializers.UUIDField(
        required=False,
        help_text=(
            "public_id of one of your applications (GET /keys/ gives each key's): the calls "
            "of all of its keys, current and retired. Takes precedence over `key`."
        ),
    )
    date_from = serializers.DateField(
        required=False, validators=[validate_filter_date], help_text="First day, YYYY-MM-DD."
    )
    date_to = serializers.DateField(
        required=False,
        validators=[validate_filter_date],
        help_text="Last day (included), YYYY-MM-DD.",
    )
    api = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text="API slug, e.g. c2bPayment."
    )
    outcome = serializers.ChoiceField(
        required=False, allow_blank=True, choices=[c for c, _ in Outcome.CHOICES if c]
    )
    result_code = serializers.RegexField(
        r"^[A-Za-z0-9-]+$", required=False, allow_blank=True, max_length=20
    )

    def validate(self, attrs: dict) -> dict:
        today = timezone.now().astimezone(self.context["tz"]).date()
        date_to = attrs.get("date_to") or today
        date_from = attrs.get("date_from") or date_to - timedelta(days=29)
        if date_from > date_to:
            raise serializers.ValidationError({"date_to": _("Must not be before date_from.")})
        if (date_to - date_from).days + 1 > MAX_DAYS:
            raise serializers.ValidationError(
                {"date_to": _("At most %(days)d days.") % {"days": MAX_DAYS}}
            )
        attrs["date_from"], attrs["date_to"] = date_from, date_to
        attrs["result_code"] = attrs.get("result_code", "").upper()
        return attrs


class ApiKeySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    application = serializers.UUIDField(
        source="application.public_id", help_text="public_id of the key's application."
    )
    application_name = serializers.CharField(source="application.name")
    environment = serializers.CharField()
    last4 = serializers.CharField()
    created_at = serializers.DateTimeField()
    retired_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()


# The partner API's type for each kind of column (reports.columns).
_FIELD_OF_KIND: dict[str, Callable[..., serializers.Field]] = {
    Kind.UUID: serializers.UUIDField,
    Kind.DATETIME: serializers.DateTimeField,
    Kind.STRING: serializers.CharField,
    Kind.DECIMAL: partial(serializers.DecimalField, max_digits=14, decimal_places=2),
    Kind.INTEGER: serializers.IntegerField,
    Kind.FLOAT: serializers.FloatField,
    Kind.BOOLEAN: serializers.BooleanField,
}


def _call_field(column: Column) -> serializers.Field:
    return _FIELD_OF_KIND[column.kind](allow_null=column.nullable, help_text=column.label)


# One call of the call log: every column of reports.columns, from `columns.values(row)`.
CallSerializer = type(
    "CallSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "One call of the call log (the columns of reports.columns).",
        **{column.key: _call_field(column) for column in COLUMNS},
    },
)


class PerApiSerializer(serializers.Serializer):
    operation = serializers.CharField()
    name = serializers.CharField()
    calls = serializers.IntegerField()
    successes = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)


class PerResultSerializer(serializers.Serializer):
    result_code = serializers.CharField()
    result_desc = serializers.CharField()
    calls = serializers.IntegerField()


class PerDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    calls = serializers.IntegerField()
    successes = serializers.IntegerField()
    failures = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)
    latency_avg_ms = serializers.FloatField(allow_null=True)
    latency_max_ms = serializers.FloatField(allow_null=True)


LATENCY_ACCURACY = (
    "Estimated from latency histograms (log-spaced buckets): within 2 % of the exact "
    "PERCENTILE_CONT value over the same calls, rounded to 0.1 ms."
)


class SummarySerializer(serializers.Serializer):
    """Documentation of the summary (the same dict a saved Report holds)."""

    key = serializers.UUIDField(
        help_text="The key reported on; with `application`, the application's current key."
    )
    application = serializers.UUIDField(
        allow_null=True, help_text="The application reported on (all of its keys), if asked."
    )
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    timezone = serializers.CharField()
    filters = serializers.DictField()
    calls = serializers.IntegerField()
    successes = serializers.IntegerField()
    failures = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)
    latency_p50_ms = serializers.FloatField(allow_null=True, help_text=LATENCY_ACCURACY)
    latency_p95_ms = serializers.FloatField(allow_null=True, help_text=LATENCY_ACCURACY)
    per_api = PerApiSerializer(many=True)
    per_result = PerResultSerializer(many=True)
    per_day = PerDaySerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """The partner API's one error shape."""

    class _Error(serializers.Serializer):
        status = serializers.IntegerField()
        code = serializers.CharField()
        message = serializers.CharField()
        # The error shape has a key named "fields"; DRF's metaclass takes declared fields
        # off the class, which the stubs cannot see (they type Serializer.fields).
        fields = serializers.DictField(required=False)  # type: ignore[assignment]

    error = _Error()
