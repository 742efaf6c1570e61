from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ApiKey, Application, User
from inputguard.dates import validate_filter_date
from reports import services
from reports.apinames import api_choices
from reports.queries import Outcome, Selection, zone

# Longest range one report may cover: keeps every report query bounded.
MAX_DAYS = 366


class DateRange:
    TODAY = "today"
    LAST_7 = "7d"
    LAST_30 = "30d"
    CUSTOM = "custom"
    CHOICES = (
        (TODAY, gettext_lazy("Today")),
        (LAST_7, gettext_lazy("Last 7 days")),
        (LAST_30, gettext_lazy("Last 30 days")),
        (CUSTOM, gettext_lazy("Custom range")),
    )
    DAYS = {TODAY: 1, LAST_7: 7, LAST_30: 30}


def key_label(key: ApiKey) -> str:
    """ "Sandbox key …a1b2, active since 2026-11-01" or "… retired, in use 2026-10-01 to
    2026-11-01": retired keys are listed with the period they were in use."""
    values = {
        "environment": key.get_environment_display(),
        "last4": key.last4,
        "since": f"{key.created_at:%Y-%m-%d}",
    }
    if key.retired_at is None:
        return _("%(environment)s key …%(last4)s, active since %(since)s") % values
    values["until"] = f"{key.retired_at:%Y-%m-%d}"
    return _("%(environment)s key …%(last4)s, retired, in use %(since)s to %(until)s") % values


class KeyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ApiKey) -> str:
        return key_label(obj)


def grouped_key_choices(keys) -> list:
    """The keys as <optgroup>s, one per application (label: its name)."""
    return [
        (application.name, [(key.public_id, key_label(key)) for key in group])
        for application, group in services.grouped_keys(keys)
    ]


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Application) -> str:
        return _("%(name)s: all of its keys") % {"name": obj.name}


class ReportForm(forms.Form):
    """The report's parameters, posted by Generate (a plain form: works without JS)."""

    range = forms.ChoiceField(
        label=gettext_lazy("Date range"), choices=DateRange.CHOICES, initial="7d"
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    key = KeyChoiceField(
        label=gettext_lazy("API key"),
        queryset=ApiKey.objects.none(),
        to_field_name="public_id",
        empty_label=None,
    )
    application = ApplicationChoiceField(
        label=gettext_lazy("Application"),
        queryset=Application.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("Just the chosen key"),
        help_text=gettext_lazy("Choose an application to report on every key it has had."),
    )
    api = forms.ChoiceField(label="API", required=False)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Result"), choices=Outcome.CHOICES, required=False
    )
    result_code = forms.CharField(
        label=gettext_lazy("Result code"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Optional, e.g. INS-0 or INS-10."),
        validators=[
            RegexValidator(r"^[A-Za-z0-9-]+$", gettext_lazy("Letters, digits and dashes only."))
        ],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.tz = zone(user.timezone)
        keys = services.keys_of(user)
        key_field = cast(forms.ModelChoiceField, self.fields["key"])
        key_field.queryset = keys
        # Grouped by application; validation still looks the key up in the queryset.
        key_field.choices = grouped_key_choices(keys)
        cast(
            forms.ModelChoiceField, self.fields["application"]
        ).queryset = services.applications_of(user)
        # Selected by default: the key with the most recent sandbox call, else the active
        # key (seed: "The last Active API Key will be selected by default").
        chosen = services.default_key(keys)
        self.fields["key"].initial = chosen.public_id if chosen else None
        cast(forms.ChoiceField, self.fields["api"]).choices = [("", _("All APIs")), *api_choices()]

    @property
    def key_periods(self) -> dict[str, dict[str, str]]:
        """Retired keys' periods of use (local dates): choosing one in the form snaps the
        range to it (static/js/reports.js), instead of an empty "Last 7 days"."""
        keys = cast(forms.ModelChoiceField, self.fields["key"]).queryset
        if keys is None:
            return {}
        return {
            str(key.public_id): {
                "from": key.created_at.astimezone(self.tz).date().isoformat(),
                "to": key.retired_at.astimezone(self.tz).date().isoformat(),
            }
            for key in keys
            if not key.is_active and key.retired_at is not None
        }

    def clean_result_code(self) -> str:
        return self.cleaned_data["result_code"].strip().upper()

    def clean(self) -> dict:
        # Form.clean() returns cleaned_data (typed Optional because overrides may return None).
        data = cast(dict[str, Any], super().clean())
        chosen = data.get("range")
        if chosen in DateRange.DAYS:
            today = timezone.now().astimezone(self.tz).date()
            data["date_to"] = today
            data["date_from"] = today - timedelta(days=DateRange.DAYS[chosen] - 1)
        elif chosen == DateRange.CUSTOM:
            self._check_custom(data.get("date_from"), data.get("date_to"))
        application = data.get("application")
        if application is not None:
            # The report is filed under one of the application's keys (its current one
            # if any); it covers them all.
            key = services.keys_of(self.user).filter(application=application).first()
            if key is None:
                self.add_error("application", "This application has no API key yet.")
            else:
                data["key"] = key
        return data

    def _check_custom(self, start: date | None, end: date | None) -> None:
        if start is None and "date_from" not in self.errors:
            self.add_error("date_from", "Choose the first day of the range.")
        if end is None and "date_to" not in self.errors:
            self.add_error("date_to", "Choose the last day of the range.")
        if start and end and start > end:
            self.add_error("date_to", "The last day must not be before the first day.")
        elif start and end and (end - start).days + 1 > MAX_DAYS:
            self.add_error("date_to", f"A report covers at most {MAX_DAYS} days.")

    def selection(self) -> Selection:
        data = self.cleaned_data
        return Selection(
            api_key=data["key"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            tz=self.tz,
            operation=data.get("api") or "",
            outcome=data.get("outcome") or "",
            result_code=data.get("result_code") or "",
            application=data.get("application"),
        )


def initial_for(report) -> dict:
    """Form values that regenerate a saved report (shown above it, ready to tweak)."""
    filters = report.filters or {}
    return {
        "range": DateRange.CUSTOM,
        "date_from": report.date_from,
        "date_to": report.date_to,
        "key": report.api_key.public_id,
        "application": filters.get("application", ""),
        "api": filters.get("operation", ""),
        "outcome": filters.get("outcome", ""),
        "result_code": filters.get("result_code", ""),
    }
