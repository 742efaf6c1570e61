"""Forms of the pages composed here that belong to no single app below."""

from __future__ import annotations

from django import forms

from accounts.models import Application


class AlertSettingsForm(forms.ModelForm):
    """My Profile's "Alerts" box: the two alert emails of one application (ops/alerts.py)."""

    class Meta:
        model = Application
        fields = ["alert_on_callback_failures", "alert_on_error_rate"]
        labels = {
            "alert_on_callback_failures": "Email me when callbacks keep failing (at most hourly)",
            "alert_on_error_rate": "Email me when the share of failed calls jumps",
        }
