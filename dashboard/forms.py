"""Forms of the pages that compose several apps: the request log's filters, My Profile's
alert settings."""

from __future__ import annotations

import functools
from datetime import datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ApiKey, Application, User
from catalog import MARKETS
from inputguard.dates import validate_filter_date
from reports.apinames import api_choices
from reports.forms import key_label
from reports.queries import zone
from sandbox.models import ApiCall


class RequestLogFilterForm(forms.Form):
    """The request log's filters and search box: a GET form (a search changes nothing)."""

    q = forms.CharField(
        label=gettext_lazy("Search by ID"),
        required=False,
        max_length=64,
        help_text=gettext_lazy(
            "An exact TransactionID, ConversationID, ThirdPartyConversationID, MSISDN or reference."
        ),
    )
    source = forms.ChoiceField(label=gettext_lazy("Application or key"), required=False)
    api = forms.ChoiceField(label="API", required=False)
    market = forms.ChoiceField(label=gettext_lazy("Market"), required=False)
    result_code = forms.CharField(
        label=gettext_lazy("Result code"),
        required=False,
        max_length=20,
        validators=[
            RegexValidator(r"^[A-Za-z0-9-]+$", gettext_lazy("Letters, digits and dashes only."))
        ],
    )
    http_status = forms.IntegerField(
        label=gettext_lazy("HTTP status"), required=False, min_value=100, max_value=599
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Sync or async"),
        required=False,
        choices=[
            ("", gettext_lazy("Both")),
            ("sync", gettext_lazy("Synchronous")),
            ("async", gettext_lazy("Asynchronous")),
        ],
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

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.tz = zone(user.timezone)

        @functools.cache  # once per form: the widget and the field both read them
        def sources() -> list:
            apps = Application.objects.filter(user=user).order_by("-is_default", "name")
            keys = ApiKey.objects.filter(user=user).order_by("-created_at")
            return [
                ("", _("All applications and keys")),
                (_("Applications"), [(f"app:{a.public_id}", a.name) for a in apps]),
                (_("Keys"), [(f"key:{k.public_id}", key_label(k)) for k in keys]),
            ]

        # Read when the form is shown or a source is chosen, not for every search.
        cast(forms.ChoiceField, self.fields["source"]).choices = sources
        cast(forms.ChoiceField, self.fields["api"]).choices = [("", _("All APIs")), *api_choices()]
        cast(forms.ChoiceField, self.fields["market"]).choices = [
            ("", _("All markets")),
            *((m.slug, f"{m.name} ({m.slug})") for m in MARKETS.values()),
        ]

    def clean_result_code(self) -> str:
        return self.cleaned_data["result_code"].strip().upper()

    def clean(self) -> dict:
        data = cast(dict[str, Any], super().clean())
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The last day must not be before the first day."))
        return data

    @property
    def search_term(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""

    def apply(self, calls: QuerySet[ApiCall]) -> QuerySet[ApiCall]:
        """The calls the valid form's filters select (`calls` already limited to the
        developer). The search box is not among them: its term (`search_term`) goes to
        requestlog.newest_first, which searches within the page's ordering."""
        data = self.cleaned_data
        source = data.get("source") or ""
        if source.startswith("app:"):
            calls = calls.filter(api_key__application__public_id=source[4:])
        elif source.startswith("key:"):
            calls = calls.filter(api_key__public_id=source[4:])
        if data.get("api"):
            calls = calls.filter(operation=data["api"])
        if data.get("market"):
            calls = calls.filter(market=data["market"])
        if data.get("result_code"):
            calls = calls.filter(result_code=data["result_code"])
        if data.get("http_status") is not None:
            calls = calls.filter(http_status=data["http_status"])
        if data.get("mode"):
            calls = calls.filter(is_async=data["mode"] == "async")
        # Days are the developer's: midnight in their timezone, compared in UTC.
        if data.get("date_from"):
            calls = calls.filter(
                created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=self.tz)
            )
        if data.get("date_to"):
            end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, tzinfo=self.tz)
            calls = calls.filter(created_at__lt=end)
        return calls


class AlertSettingsForm(forms.ModelForm):
    """My Profile's "Alerts" box: the two alert emails of one application (ops/alerts.py)."""

    class Meta:
        model = Application
        fields = ["alert_on_callback_failures", "alert_on_error_rate"]
        labels = {
            "alert_on_callback_failures": gettext_lazy(
                "Email me when callbacks keep failing (at most hourly)"
            ),
            "alert_on_error_rate": gettext_lazy("Email me when the share of failed calls jumps"),
        }
