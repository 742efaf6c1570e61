from __future__ import annotations

from django import forms


class SubmitForm(forms.Form):
    """The confirmation page's form: which report the developer saw before sending."""

    report = forms.UUIDField(widget=forms.HiddenInput)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for rejection",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The developer reads this in an email and on My Profile: say what to fix.",
        max_length=2000,
        strip=True,
        error_messages={"required": "Give a reason: the developer needs it to fix their work."},
    )
