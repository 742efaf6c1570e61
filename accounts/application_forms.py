"""Forms of the Applications pages: a new application, one application's settings, and
the renewal of its key (with the overlap the developer chooses)."""

from __future__ import annotations

import ipaddress
import zoneinfo
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import catalog
from accounts.models import Application, User
from netguard import ssrf

# The limit fields of an application (reference §8: INS-990...INS-995), in page order.
LIMIT_FIELDS = (
    "limit_single_value",
    "limit_session_count",
    "limit_session_value",
    "limit_customer_daily_count",
    "limit_customer_daily_value",
)
MAX_TRUSTED_SOURCES = 50


def validate_positive_amount(value: Decimal | None) -> None:
    """A limit is a positive amount; zero would refuse every payment, so it is refused
    here rather than accepted as a silent "off" (leave the field empty for no limit)."""
    if value is not None and value <= 0:
        raise ValidationError(_("Enter an amount greater than 0, or leave it empty for no limit."))


def amount_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        validators=[validate_positive_amount],
        error_messages={
            "max_decimal_places": gettext_lazy("Use at most 2 decimal places (e.g. 100.50)."),
            "invalid": gettext_lazy("Enter an amount, e.g. 100 or 100.50."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Empty: no limit."),
    )


def count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "min_value": gettext_lazy("Enter a whole number of at least 1, or leave it empty.")
        },
        help_text=_("Empty: no limit."),
    )


@lru_cache(maxsize=1)
def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def parse_trusted_sources(text: str) -> list[str]:
    """One IP address or CIDR range per line, normalised ("10.0.0.7" -> "10.0.0.7/32",
    host bits cleared as `strict=False` does); blank lines ignored, duplicates dropped.
    An unparseable entry is named in the error."""
    sources: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.strip()
        if not entry:
            continue
        try:
            network = str(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValidationError(
                _(
                    "“%(entry)s” (line %(number)s) is not an IP address or CIDR range, "
                    "e.g. 203.0.113.7 or 203.0.113.0/24."
                )
                % {"entry": entry[:60], "number": number}
            ) from None
        if network not in sources:
            sources.append(network)
    if len(sources) > MAX_TRUSTED_SOURCES:
        raise ValidationError(
            _("Enter at most %(MAX_TRUSTED_SOURCES)s addresses or ranges.")
            % {"MAX_TRUSTED_SOURCES": MAX_TRUSTED_SOURCES}
        )
    return sources


class _NameUniqueMixin:
    """Names are unique per developer (the database says so too); checked here to
    answer with a message next to the field instead of an error page."""

    user: User

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()  # type: ignore[attr-defined]
        mine = Application.objects.filter(user=self.user, name__iexact=name)
        editing = getattr(self, "instance", None)  # None on the creation form
        if editing is not None and editing.pk:
            mine = mine.exclude(pk=editing.pk)
        if mine.exists():
            raise ValidationError(_("You already have an application with this name."))
        return name


class ApplicationCreateForm(_NameUniqueMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=60, help_text=gettext_lazy("e.g. “Payout service”.")
    )
    version = forms.CharField(
        label=gettext_lazy("Version"), max_length=20, required=False, initial="1.0"
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class ApplicationSettingsForm(_NameUniqueMixin, forms.ModelForm):
    """Every setting of one application, validated together and saved in one update
    (services.update_application): bad input anywhere saves nothing."""

    async_response_url = forms.CharField(
        label=gettext_lazy("Asynchronous Response URL"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "Empty: every API answers synchronously. With a URL, every API answers at "
            "once and delivers its result to this address."
        ),
        validators=[
            URLValidator(
                schemes=["http", "https"], message=gettext_lazy("Enter a valid http(s) URL.")
            )
        ],
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/mpesa/results"}),
    )
    session_lifetime_seconds = forms.IntegerField(
        label=gettext_lazy("Session lifetime (seconds)"),
        min_value=Application.MIN_SESSION_LIFETIME,
        max_value=Application.MAX_SESSION_LIFETIME,
        error_messages={
            "min_value": gettext_lazy("Enter at least 60 seconds (1 minute)."),
            "max_value": gettext_lazy("Enter at most 86400 seconds (24 hours)."),
        },
        help_text=gettext_lazy(
            "How long a session key from getSession stays valid: 60 to 86400 seconds."
        ),
    )
    trusted_sources_text = forms.CharField(
        label=gettext_lazy("Trusted sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "203.0.113.7\n198.51.100.0/24"}),
        help_text=gettext_lazy(
            "One IP address or CIDR range per line. Empty: calls from anywhere."
        ),
    )
    enabled_apis = forms.MultipleChoiceField(
        label=gettext_lazy("Products"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("A disabled API answers 400 INS-997 API Not Enabled."),
    )
    limit_single_value = amount_field("Single transaction value")
    limit_session_count = count_field("Transactions per session")
    limit_session_value = amount_field("Value per session")
    limit_customer_daily_count = count_field("Transactions per customer per day")
    limit_customer_daily_value = amount_field("Value per customer per day")
    usage_start = forms.TimeField(
        label=gettext_lazy("Usage window start"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Empty start and end: any time of day."),
    )
    usage_end = forms.TimeField(
        label=gettext_lazy("Usage window end"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    usage_timezone = forms.ChoiceField(
        label=gettext_lazy("Usage window time zone"), choices=timezone_choices
    )

    class Meta:
        model = Application
        fields = [
            "name",
            "version",
            "description",
            "async_response_url",
            "session_lifetime_seconds",
            *LIMIT_FIELDS,
            "usage_start",
            "usage_end",
            "usage_timezone",
            "strict_mode",
        ]
        labels = {"strict_mode": "Strict mode"}
        help_texts = {
            "strict_mode": "The sandbox refuses what production refuses: session bearers "
            "only, JSON bodies, sessions valid in their own market.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        apis = catalog.all_apis()
        products = self.fields["enabled_apis"]
        assert isinstance(products, forms.MultipleChoiceField)
        products.choices = [(api.slug, api.name) for api in apis]
        if not self.is_bound:
            disabled = set(self.instance.disabled_apis)
            self.initial["enabled_apis"] = [api.slug for api in apis if api.slug not in disabled]
            self.initial["trusted_sources_text"] = "\n".join(self.instance.trusted_sources)
        if self.instance.is_locked:
            for field in self.fields.values():
                field.disabled = True

    def clean_async_response_url(self) -> str:
        url = self.cleaned_data["async_response_url"].strip()
        # The gateway will post results there: no private or loopback networks unless
        # settings.CALLBACK_ALLOW_PRIVATE_NETWORKS (as on My Profile).
        ssrf.validate_callback_url(url)
        return url

    def clean_trusted_sources_text(self) -> list[str]:
        return parse_trusted_sources(self.cleaned_data["trusted_sources_text"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("usage_start"), cleaned.get("usage_end")
        if (start is None) != (end is None) and not self.has_error("usage_start"):
            if not self.has_error("usage_end"):
                self.add_error(
                    "usage_end" if end is None else "usage_start",
                    "Give both the start and the end of the window, or neither.",
                )
        elif start is not None and end is not None and start >= end:
            # An inverted window is bad input (issue 14), not an overnight window: a
            # developer who wants 22:00-06:00 is told so instead of guessed at.
            self.add_error(
                "usage_end",
                "The window must end after it starts, within one day (e.g. 08:00 to 20:00).",
            )
        return cleaned

    def changes(self) -> dict:
        """The model fields to save, from the cleaned data (only once valid)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["trusted_sources"] = self.cleaned_data["trusted_sources_text"]
        enabled = set(self.cleaned_data["enabled_apis"])
        data["disabled_apis"] = [api.slug for api in catalog.all_apis() if api.slug not in enabled]
        return data


# The overlaps offered by "Renew API Key": 0 retires the old key at once (the seed).
OVERLAP_CHOICES = [
    ("0", gettext_lazy("Retire the old key now")),
    ("3600", gettext_lazy("Keep the old key working for 1 hour")),
    ("86400", gettext_lazy("Keep the old key working for 24 hours")),
    ("259200", gettext_lazy("Keep the old key working for 3 days")),
    ("604800", gettext_lazy("Keep the old key working for 7 days")),
]


class KeyRenewForm(forms.Form):
    overlap = forms.TypedChoiceField(
        label=gettext_lazy("When should the current key stop working?"),
        choices=OVERLAP_CHOICES,
        coerce=lambda seconds: timedelta(seconds=int(seconds)),
        initial="0",
        widget=forms.RadioSelect,
    )
