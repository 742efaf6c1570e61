from __future__ import annotations

from datetime import timedelta

from django import forms

from accounts.models import Application


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
        label="Application",
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
    ("0", "Immediately: the current key stops working now"),
    ("1h", "After 1 hour"),
    ("24h", "After 24 hours"),
    ("3d", "After 3 days"),
    ("7d", "After 7 days"),
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
        label="When should the current live key stop working?",
        choices=OVERLAP_CHOICES,
        initial="0",
        widget=forms.RadioSelect,
    )

    def overlap_delta(self) -> timedelta:
        return OVERLAPS[self.cleaned_data["overlap"]]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for rejection",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The developer reads this in an email and on My Profile: say what to fix.",
        max_length=2000,
        strip=True,
        error_messages={"required": "Give a reason: the developer needs it to fix their work."},
    )


class ChangesForm(forms.Form):
    changes = forms.CharField(
        label="What to fix",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="One point per line: the developer reads it by email and on the Go Live page.",
        max_length=4000,
        strip=True,
        error_messages={"required": "List what the developer must change."},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The live API key stops working at once; the developer is emailed this reason.",
        max_length=2000,
        strip=True,
        error_messages={"required": "Give a reason: the developer needs it."},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=4000,
        strip=True,
        error_messages={"required": "Write a message first."},
    )
