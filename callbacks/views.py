"""The developer's side of asynchronous mode: the Callbacks page (under
/sandbox/callbacks/, where it has always been), redelivery, the signing secret, and the
Callbacks section of My Profile (`profile_panel`, shown by dashboard.views)."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest, posted_next
from accounts.keys import default_application
from accounts.models import Application
from callbacks.faults import settings_for
from callbacks.models import CallbackDelivery
from callbacks.redelivery import RedeliveryRefused, redeliver
from callbacks.signing import get_signing_secret, rotate_signing_secret
from callbacks.testsend import TestCallbackRefused, send_test_callback
from callbacks.tools import (
    FaultSettingsForm,
    TestCallbackForm,
    hanging_deliveries,
    user_applications,
)
from inputguard.dates import validate_filter_date

PAGE_SIZE = 25


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Application) -> str:
        return obj.name


class DeliveryFilterForm(forms.Form):
    application = ApplicationChoiceField(
        label=gettext_lazy("Application"),
        required=False,
        queryset=Application.objects.none(),
        to_field_name="public_id",
        empty_label=gettext_lazy("All applications"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *CallbackDelivery.Status.choices],
    )
    date_from = forms.DateField(
        label=gettext_lazy("From (date, UTC)"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To (date, UTC, inclusive)"),
        required=False,
        validators=[validate_filter_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the developer's own applications: another's public_id is an invalid choice.
        field = self.fields["application"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Application.objects.filter(user=user).order_by("-is_default", "created_at")

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what Form.clean returns (typed Optional by the stubs)
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must not be before the start date.")
        return data

    def filter(self, queryset):
        """Apply the valid filters; dates are whole UTC days, as the page shows times."""
        tz = dt.UTC
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("application"):
            queryset = queryset.filter(application=data["application"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("date_from"):
            start = dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz)
            queryset = queryset.filter(created_at__gte=start)
        if data.get("date_to"):
            end = dt.datetime.combine(
                data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            )
            queryset = queryset.filter(created_at__lt=end)
        return queryset


def get_delivery_for_user(user, public_id) -> CallbackDelivery:
    return get_object_or_404(CallbackDelivery.objects.for_user(user), public_id=public_id)


@lru_cache(maxsize=1)
def verification_samples() -> dict[str | Promise, str]:
    """The signature-checking samples of docs/callbacks.md (one source, run by the tests),
    shown on the Callbacks page."""
    try:
        text = (settings.BASE_DIR / "docs" / "callbacks.md").read_text()
    except OSError:
        return {}
    samples: dict[str | Promise, str] = {}
    for language, label, marker in (
        ("python", "Python", "def verify_callback"),
        ("javascript", "Node.js", "function verifyCallback"),
        (
            "python",
            gettext_lazy("Python, with the standardwebhooks library"),
            "def verify_standard_webhook",
        ),
        (
            "javascript",
            gettext_lazy("Node.js, with the standardwebhooks library"),
            "function verifyStandardWebhook",
        ),
    ):
        blocks = re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)
        found = [b for b in blocks if marker in b]
        if found:
            samples[label] = found[0]
    return samples


@login_required
@require_GET
def callbacks_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeliveryFilterForm(request.GET or None, user=request.user)
    deliveries = form.filter(
        CallbackDelivery.objects.for_user(request.user).order_by("-created_at", "-pk")
    )
    page = Paginator(deliveries.prefetch_related("attempts"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "samples": verification_samples(),
    }
    context.update(tools_context(request))
    return render(request, "callbacks/callbacks_list.html", context)


def tools_context(request: HttpRequest, test_form: TestCallbackForm | None = None) -> dict:
    """The callback tools' part of the Callbacks page: Send test callback, fault
    injection per application, hanging transactions (callbacks/tools.py)."""
    user = request.user
    applications = list(user_applications(user))
    fault_forms = [
        (
            application,
            FaultSettingsForm(instance=settings_for(application), prefix=f"app{application.pk}"),
        )
        for application in applications
    ]
    return {
        "test_form": test_form or TestCallbackForm(user=user),
        "fault_forms": fault_forms,
        "hanging": hanging_deliveries(user),
        "hanging_minutes": round(settings.CALLBACK_HANGING_AFTER_SECONDS / 60),
        # Applications own the Asynchronous Response URL now (the user has none).
        "any_async_url": any(application.async_response_url for application in applications),
    }


@login_required
@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    """Send test callback: a signed sample through the real outbox, marked "test"."""
    form = TestCallbackForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            delivery = send_test_callback(
                form.cleaned_data["application"],
                api_slug=form.cleaned_data["api"],
                code=form.cleaned_data["result_code"],
            )
        except TestCallbackRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Test callback %(public_id)s queued: it appears below as it is delivered.")
                % {"public_id": delivery.public_id},
            )
        return redirect(resolve_url("callbacks:delivery-list") + "#deliveries")
    messages.error(request, _("The test callback was not sent: correct the form below."))
    context = {
        "form": DeliveryFilterForm(None, user=request.user),
        "page": Paginator(CallbackDelivery.objects.none(), PAGE_SIZE).get_page(1),
        "query": "",
        "samples": verification_samples(),
    }
    context.update(tools_context(request, test_form=form))
    return render(request, "callbacks/callbacks_list.html", context, status=400)


@login_required
@require_POST
def fault_settings(request: HttpRequest, application_pk: int) -> HttpResponse:
    """Save one application's fault injection settings."""
    application = get_object_or_404(user_applications(request.user), pk=application_pk)
    form = FaultSettingsForm(
        request.POST, instance=settings_for(application), prefix=f"app{application.pk}"
    )
    if form.is_valid():
        form.save()
        state = "on" if form.instance.any_fault else "off"
        messages.success(
            request,
            _("Fault injection of %(name)s saved (%(state)s).")
            % {"name": application.name, "state": state},
        )
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(
            request,
            _("Fault injection of %(name)s not saved: %(errors)s")
            % {"name": application.name, "errors": errors},
        )
    return redirect(resolve_url("callbacks:delivery-list") + "#faults")


@login_required
@require_GET
def callback_detail(request: HttpRequest, public_id) -> HttpResponse:
    delivery = get_delivery_for_user(request.user, public_id)
    context = {
        "delivery": delivery,
        "attempts": delivery.attempts.order_by("number"),
        "payload_json": json.dumps(delivery.payload, indent=2),
        "next_url": delivery.current_url(),
    }
    return render(request, "callbacks/callbacks_detail.html", context)


@login_required
@require_POST
def callback_redeliver(request: HttpRequest, public_id) -> HttpResponse:
    delivery = get_delivery_for_user(request.user, public_id)
    try:
        redeliver(delivery)
    except RedeliveryRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Redelivery queued: the callback will be sent again shortly."))
    return redirect("callbacks:delivery-detail", public_id=delivery.public_id)


@login_required
@require_POST
def signing_secret_rotate(request: HttpRequest) -> HttpResponse:
    rotate_signing_secret(request.user)
    messages.success(
        request, _("New callback signing secret created: callbacks are signed with it from now on.")
    )
    # My Profile is composed above the gateway: back to the tab that showed the form (its
    # `next`), else to My Profile the way a sign-in goes there.
    back = posted_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
    return redirect(back + "#callbacks")


def profile_panel(request: AuthenticatedHttpRequest) -> str:
    """The Callbacks section of My Profile: mode, signing secret, recent outcomes."""
    user = request.user
    counts = dict.fromkeys(CallbackDelivery.Status.values, 0)
    rows = CallbackDelivery.objects.for_user(user).values("status").annotate(n=Count("pk"))
    counts.update({row["status"]: row["n"] for row in rows.order_by()})
    context = {
        "signing_secret": get_signing_secret(user),
        "counts": counts,
        "async_url": default_application(user).async_response_url,
    }
    return render_to_string("callbacks/_profile_callbacks.html", context, request=request)
