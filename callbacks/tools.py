"""The callback tools of the Callbacks page (docs/callbacks.md): Send test callback,
fault injection per application, and the hanging transactions. Views in
callbacks/views.py; each has its own function so the page's other parts change apart."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accounts.models import Application
from callbacks.models import CallbackDelivery, CallbackSettings
from callbacks.testsend import test_apis

HANGING_LIMIT = 50


def user_applications(user):
    return Application.objects.filter(user=user).order_by("-is_default", "name", "pk")


class TestCallbackForm(forms.Form):
    """Send test callback: an application, an API that calls back, one of its codes."""

    application = forms.ModelChoiceField(
        label=gettext_lazy("Application"), queryset=Application.objects.none(), empty_label=None
    )
    api = forms.ChoiceField(label="API")
    result_code = forms.ChoiceField(label=gettext_lazy("Result code"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        apis = test_apis()
        application_field = self.fields["application"]
        assert isinstance(application_field, forms.ModelChoiceField)
        application_field.queryset = user_applications(user)
        api_field = self.fields["api"]
        code_field = self.fields["result_code"]
        assert isinstance(api_field, forms.ChoiceField)
        assert isinstance(code_field, forms.ChoiceField)
        api_field.choices = [(api.slug, api.name) for api in apis]
        # Grouped by API: the codes each one documents (the catalogue's).
        code_field.choices = [
            (api.name, [(r.code, f"{r.code} {r.description}") for r in api.result_codes])
            for api in apis
        ]
        self._apis = {api.slug: api for api in apis}

    def clean(self):
        super().clean()
        data = self.cleaned_data
        api = self._apis.get(data.get("api", ""))
        code = data.get("result_code")
        if api and code and code not in {r.code for r in api.result_codes}:
            self.add_error(
                "result_code", f"{api.name} does not answer {code}: choose one of its codes."
            )
        return data


class FaultSettingsForm(forms.ModelForm):
    class Meta:
        model = CallbackSettings
        fields = ["delay_seconds", "duplicate", "fail_first", "shuffle"]
        widgets = {
            "delay_seconds": forms.NumberInput(
                attrs={"min": 0, "max": CallbackSettings.MAX_DELAY_SECONDS}
            )
        }
        help_texts = {
            "delay_seconds": gettext_lazy("0 to 300; 0 is off."),
            "shuffle": format_lazy(
                gettext_lazy(
                    "Each delivery is held a random 0 to {seconds} s, so they arrive out of order."
                ),
                seconds=f"{settings.CALLBACK_SHUFFLE_WINDOW_SECONDS:g}",
            ),
        }


def hanging_deliveries(user, *, now=None):
    """Results of async calls not delivered CALLBACK_HANGING_AFTER_SECONDS after the
    call (failed, or still retrying), oldest first; test callbacks are not calls."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CALLBACK_HANGING_AFTER_SECONDS)
    return (
        CallbackDelivery.objects.for_user(user)
        .filter(is_test=False, created_at__lte=cutoff)
        .exclude(status=CallbackDelivery.Status.DELIVERED)
        .select_related("application")
        .order_by("created_at", "pk")[:HANGING_LIMIT]
    )
