from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.validators import MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy

from accounts.models import Application
from catalog import MARKETS
from golive.documents import validate_document


class SubmitForm(forms.Form):
    """The confirmation page's form: which application and which report the developer
    saw before sending."""

    report = forms.UUIDField(widget=forms.HiddenInput)
    application = forms.UUIDField(widget=forms.HiddenInput, required=False)


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Application) -> str:
        return f"{obj.name} (live)" if obj.is_locked else obj.name


class ApplicationPickForm(forms.Form):
    """The Go Live page's application selector (a GET form: works without JavaScript)."""

    application = ApplicationChoiceField(
        label=gettext_lazy("Application"),
        queryset=Application.objects.none(),
        to_field_name="public_id",
        empty_label=None,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        assert isinstance(field, forms.ModelChoiceField)
        # Default first, then the others oldest first (as on the Applications page).
        field.queryset = Application.objects.filter(user=user).order_by("-is_default", "created_at")


# The same choices as the sandbox key's renewal: at once (the seed) or with an overlap of
# up to 7 days during which the old key still works (accounts.services.renew_api_key).
OVERLAP_CHOICES = (
    ("0", gettext_lazy("Immediately: the current key stops working now")),
    ("1h", gettext_lazy("After 1 hour")),
    ("24h", gettext_lazy("After 24 hours")),
    ("3d", gettext_lazy("After 3 days")),
    ("7d", gettext_lazy("After 7 days")),
)
OVERLAPS = {
    "0": timedelta(0),
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
}


class LiveKeyRenewForm(forms.Form):
    overlap = forms.ChoiceField(
        label=gettext_lazy("When should the current live key stop working?"),
        choices=OVERLAP_CHOICES,
        initial="0",
        widget=forms.RadioSelect,
    )

    def overlap_delta(self) -> timedelta:
        return OVERLAPS[self.cleaned_data["overlap"]]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=gettext_lazy(
            "The developer reads this in an email and on My Profile: say what to fix."
        ),
        max_length=2000,
        strip=True,
        error_messages={
            "required": gettext_lazy("Give a reason: the developer needs it to fix their work.")
        },
    )


class ChangesForm(forms.Form):
    changes = forms.CharField(
        label=gettext_lazy("What to fix"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=gettext_lazy(
            "One point per line: the developer reads it by email and on the Go Live page."
        ),
        max_length=4000,
        strip=True,
        error_messages={"required": gettext_lazy("List what the developer must change.")},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revoking"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=gettext_lazy(
            "The live API key stops working at once; the developer is emailed this reason."
        ),
        max_length=2000,
        strip=True,
        error_messages={"required": gettext_lazy("Give a reason: the developer needs it.")},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=4000,
        strip=True,
        error_messages={"required": gettext_lazy("Write a message first.")},
    )


class BusinessDetailsForm(forms.Form):
    """The business details asked on the Go Live confirmation step (docs/golive.md)."""

    legal_name = forms.CharField(label=gettext_lazy("Legal name"), max_length=200)
    registration_number = forms.CharField(label=gettext_lazy("Registration number"), max_length=100)
    trading_name = forms.CharField(
        label=gettext_lazy("Trading name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("If not the legal name."),
    )
    markets = forms.MultipleChoiceField(
        label=gettext_lazy("Market(s)"),
        choices=[(m.slug, m.name) for m in MARKETS.values()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one market.")},
    )
    shortcode = forms.CharField(
        label=gettext_lazy("Shortcode"),
        max_length=10,
        validators=[RegexValidator(r"^\d{4,10}$", gettext_lazy("A shortcode is 4 to 10 digits."))],
    )
    shortcode_held = forms.ChoiceField(
        label=gettext_lazy("This shortcode is"),
        choices=(("requested", gettext_lazy("requested")), ("held", gettext_lazy("already held"))),
        widget=forms.RadioSelect,
        initial="requested",
    )
    contact_person = forms.CharField(label=gettext_lazy("Contact person"), max_length=200)
    website = forms.URLField(label=gettext_lazy("Website"), max_length=300, assume_scheme="https")
    expected_monthly_volume = forms.DecimalField(
        label=gettext_lazy("Expected monthly volume"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=gettext_lazy("Total value of transactions per month, in the market's currency."),
    )
    incorporation_certificate = forms.FileField(
        label=gettext_lazy("Certificate of incorporation"),
        help_text=gettext_lazy("PDF, PNG or JPEG, up to 5 MB."),
    )
    director_id = forms.FileField(
        label=gettext_lazy("Director's ID"), help_text=gettext_lazy("PDF, PNG or JPEG, up to 5 MB.")
    )

    DOCUMENTS = ("incorporation_certificate", "director_id")

    def _clean_document(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload is not None:
            media, extension = validate_document(upload)
            upload.golive_media_type = media
            upload.golive_extension = extension
        return upload

    def clean_incorporation_certificate(self):
        return self._clean_document("incorporation_certificate")

    def clean_director_id(self):
        return self._clean_document("director_id")

    def details(self) -> dict:
        """The details as plain JSON (the documents apart)."""
        data = self.cleaned_data
        return {
            "legal_name": data["legal_name"],
            "registration_number": data["registration_number"],
            "trading_name": data["trading_name"],
            "markets": list(data["markets"]),
            "shortcode": data["shortcode"],
            "shortcode_held": data["shortcode_held"] == "held",
            "contact_person": data["contact_person"],
            "website": data["website"],
            "expected_monthly_volume": str(data["expected_monthly_volume"]),
        }

    def documents(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.DOCUMENTS}
