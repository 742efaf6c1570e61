"""Pages that show several apps at once: the home page, My Profile and the request log.

My Profile is the accounts app's page (keys, details, security events) with the
Callbacks section of the gateway and the Go Live section below it. Its forms re-render
the whole page next to a refused field, so they live here too; the credential and
phone-step pages that only need accounts stay in accounts.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import keys, phone, services
from accounts.forms import AsyncResponseUrlForm, PersonalDetailsForm, TimeZoneForm, UsernameForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.views import REVEAL_KEY_SESSION_FLAG
from apis.docs import sandbox_base_url
from callbacks import views as callback_views
from dashboard import requestlog, usage
from dashboard.forms import AlertSettingsForm, RequestLogFilterForm
from golive import views as golive_views
from reports.apinames import api_name
from reports.queries import zone


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {"usage": usage.usage_for(user) if user.is_authenticated else None}
    return render(request, "dashboard/home.html", context)


# --- My Profile -----------------------------------------------------------------------


def _other_sections(request: AuthenticatedHttpRequest) -> list[str]:
    """The sections of the apps above accounts, in page order ("" hides one)."""
    rendered = [callback_views.profile_panel(request), golive_views.profile_panel(request)]
    # Each section renders its own template, which escapes what it shows.
    return [mark_safe(html) for html in rendered if html]  # noqa: S308


def _render_profile(request: AuthenticatedHttpRequest, **forms) -> HttpResponse:
    user = request.user
    api_key = keys.active_api_key(user)
    application = keys.default_application(user)
    reveal = request.session.pop(REVEAL_KEY_SESSION_FLAG, False)
    context = {
        "default_application": application,
        "details_form": forms.get("details_form") or PersonalDetailsForm(instance=user),
        "username_form": forms.get("username_form") or UsernameForm(user=user),
        "time_zone_form": forms.get("time_zone_form") or TimeZoneForm(instance=user),
        "async_form": forms.get("async_form") or AsyncResponseUrlForm(instance=application),
        "api_key": api_key,
        "api_key_plaintext": api_key.plaintext if (api_key and reveal) else None,
        "keypair": keys.current_keypair(),
        # The Default application's keys: the others are on their own settings pages.
        "key_history": application.api_keys.order_by("-created_at"),
        "security_events": user.security_events.order_by("-created_at")[:20],
        "pending_email": EmailAddress.objects.filter(user=user, verified=False).first(),
        "pending_phone": phone.pending_verification(user),
        "sections": _other_sections(request),
        "alert_forms": forms.get("alert_forms") or _alert_forms(user),
    }
    response = render(request, "dashboard/profile.html", context)
    if reveal:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _render_profile(request)


@login_required
@require_POST
def details_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PersonalDetailsForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _render_profile(request, details_form=form)
    form.save()
    messages.success(request, _("Your personal details were saved."))
    return redirect("dashboard:profile")


@login_required
@require_POST
def username_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UsernameForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_profile(request, username_form=form)
    services.change_username(request.user, username=form.cleaned_data["username"])
    messages.success(request, _("Your username was changed."))
    return redirect("dashboard:profile")


@login_required
@require_POST
def time_zone_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A copy: a refused zone must not reach request.user (the page still renders with it).
    form = TimeZoneForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if not form.is_valid():
        return _render_profile(request, time_zone_form=form)
    services.set_time_zone(request.user, name=form.cleaned_data["timezone"])
    messages.success(
        request,
        _("Your time zone is now %(zone)s: dates are shown in it.")
        % {"zone": form.cleaned_data["timezone"]},
    )
    return redirect("dashboard:profile")


@login_required
@require_POST
def async_url_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AsyncResponseUrlForm(request.POST, instance=keys.default_application(request.user))
    if not form.is_valid():
        return _render_profile(request, async_form=form)
    form.save()
    if form.instance.async_response_url:
        messages.success(request, _("Saved: every API now answers asynchronously to this URL."))
    else:
        messages.success(request, _("Saved: every API now answers synchronously."))
    return redirect("dashboard:profile")


# --- Request log ----------------------------------------------------------------------


@login_required
@require_GET
def request_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RequestLogFilterForm(request.GET or None, user=request.user)
    calls = requestlog.calls_of(request.user)
    if form.is_bound and not form.is_valid():
        calls = calls.none()
    elif form.is_bound:
        calls = form.apply(calls)
    after = None
    if request.GET.get("after"):
        after = requestlog.get_call_for_user(request.user, request.GET["after"])
    term = form.search_term if form.is_bound else ""
    page = requestlog.newest_first(calls, after=after, search=term, user=request.user)
    has_next = len(page) > requestlog.PAGE_SIZE
    rows = page[: requestlog.PAGE_SIZE]
    query = request.GET.copy()
    query.pop("after", None)
    first_query = query.urlencode()
    if has_next:
        query["after"] = str(rows[-1].public_id)
    context = {
        "form": form,
        "rows": [(call, api_name(call.operation)) for call in rows],
        "next_query": query.urlencode() if has_next else "",
        "first_query": first_query if after is not None else None,
        # The filters beyond the search box stay folded unless one is in use.
        "filtered": bool(form.errors)
        or any(request.GET.get(name) for name in form.fields if name != "q"),
        "tz": zone(request.user.timezone),
    }
    return render(request, "dashboard/request_log.html", context)


@login_required
@require_GET
def request_detail(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    call = requestlog.get_call_for_user(request.user, public_id)
    context = {
        "call": call,
        "api_name": api_name(call.operation),
        "request_json": requestlog.pretty(call.request_body),
        "response_json": requestlog.pretty(call.response_body),
        "life": requestlog.lifecycle_of(call),
        "curl": requestlog.curl_command(call, base_url=sandbox_base_url(request)),
        "console_query": requestlog.console_query(call),
        "tz": zone(request.user.timezone),
    }
    return render(request, "dashboard/request_detail.html", context)


def _alert_forms(user, bound: AlertSettingsForm | None = None) -> list[AlertSettingsForm]:
    applications = user.applications.order_by("-is_default", "created_at")
    return [
        bound
        if bound is not None and bound.instance.pk == application.pk
        else AlertSettingsForm(instance=application, prefix=str(application.public_id))
        for application in applications
    ]


@login_required
@require_POST
def alerts_update(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    application = get_object_or_404(request.user.applications, public_id=public_id)
    form = AlertSettingsForm(request.POST, instance=application, prefix=str(public_id))
    if not form.is_valid():
        return _render_profile(request, alert_forms=_alert_forms(request.user, form))
    form.save()
    messages.success(
        request, _("Alert emails of %(name)s were saved.") % {"name": application.name}
    )
    return redirect("dashboard:profile")
