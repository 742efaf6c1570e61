"""Pages that show several apps at once: the home page, My Profile and the request log.

My Profile is four tabs (dashboard/profile_tabs.py): the accounts app's keys, details and
security events, with the Callbacks and Go Live sections of the apps above it on the
Integration tab. Its forms re-render their tab next to a refused field, so they live here
too; the credential and phone-step pages that only need accounts stay in accounts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import keys, languages, services
from accounts.forms import (
    AsyncResponseUrlForm,
    LanguageForm,
    PersonalDetailsForm,
    TimeZoneForm,
    UsernameForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.views import REVEAL_KEY_SESSION_FLAG
from apis.docs import sandbox_base_url
from dashboard import profile_tabs, requestlog, usage
from dashboard.forms import AlertSettingsForm, RequestLogFilterForm
from reports.apinames import api_name
from reports.queries import zone


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {"usage": usage.usage_for(user) if user.is_authenticated else None}
    return render(request, "dashboard/home.html", context)


# --- My Profile -----------------------------------------------------------------------
# Four tabs (dashboard/profile_tabs.py). A refused form re-renders its own tab with the
# error next to the field; a saved one goes back to its tab.


@login_required
@require_GET
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    reveal = request.session.pop(REVEAL_KEY_SESSION_FLAG, False)
    context = profile_tabs.keys_context(request.user, reveal=reveal)
    response = profile_tabs.render_tab(request, profile_tabs.KEYS, context)
    if reveal:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def profile_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = profile_tabs.account_context(request.user)
    return profile_tabs.render_tab(request, profile_tabs.ACCOUNT, context)


@login_required
@require_GET
def profile_security(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = profile_tabs.security_context(request.user)
    return profile_tabs.render_tab(request, profile_tabs.SECURITY, context)


@login_required
@require_GET
def profile_integration(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = profile_tabs.integration_context(request)
    return profile_tabs.render_tab(request, profile_tabs.INTEGRATION, context)


def _refused_on_account(request: AuthenticatedHttpRequest, **form) -> HttpResponse:
    context = profile_tabs.account_context(request.user, **form)
    return profile_tabs.render_tab(request, profile_tabs.ACCOUNT, context)


def _refused_on_integration(request: AuthenticatedHttpRequest, **form) -> HttpResponse:
    context = profile_tabs.integration_context(request, **form)
    return profile_tabs.render_tab(request, profile_tabs.INTEGRATION, context)


@login_required
@require_POST
def details_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PersonalDetailsForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _refused_on_account(request, details_form=form)
    form.save()
    messages.success(request, _("Your personal details were saved."))
    return redirect("dashboard:profile-account")


@login_required
@require_POST
def username_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UsernameForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused_on_account(request, username_form=form)
    services.change_username(request.user, username=form.cleaned_data["username"])
    messages.success(request, _("Your username was changed."))
    return redirect("dashboard:profile-account")


@login_required
@require_POST
def time_zone_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A copy: a refused zone must not reach request.user (the page still renders with it).
    form = TimeZoneForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if not form.is_valid():
        return _refused_on_account(request, time_zone_form=form)
    services.set_time_zone(request.user, name=form.cleaned_data["timezone"])
    messages.success(
        request,
        _("Your time zone is now %(zone)s: dates are shown in it.")
        % {"zone": form.cleaned_data["timezone"]},
    )
    return redirect("dashboard:profile-account")


@login_required
@require_POST
def language_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused_on_account(request, language_form=form)
    response = redirect(reverse("dashboard:profile-account") + "#language")
    # The switcher's path (cookie, User.language, this request): the message below is
    # already in the language just chosen.
    languages.choose_language(request, response, form.cleaned_data["language"])
    messages.success(
        request, _("Language saved: your pages, emails and SMS are now in this language.")
    )
    return response


@login_required
@require_POST
def async_url_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AsyncResponseUrlForm(request.POST, instance=keys.default_application(request.user))
    if not form.is_valid():
        return _refused_on_integration(request, async_form=form)
    form.save()
    if form.instance.async_response_url:
        messages.success(request, _("Saved: every API now answers asynchronously to this URL."))
    else:
        messages.success(request, _("Saved: every API now answers synchronously."))
    return redirect("dashboard:profile-integration")


@login_required
@require_POST
def alerts_update(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    application = get_object_or_404(request.user.applications, public_id=public_id)
    form = AlertSettingsForm(request.POST, instance=application, prefix=str(public_id))
    if not form.is_valid():
        alert_forms = profile_tabs.alert_forms_of(request.user, form)
        return _refused_on_integration(request, alert_forms=alert_forms)
    form.save()
    messages.success(
        request, _("Alert emails of %(name)s were saved.") % {"name": application.name}
    )
    return redirect("dashboard:profile-integration")


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
