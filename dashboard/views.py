"""Pages that show several apps at once: the home page and My Profile.

My Profile is the accounts app's page (keys, details, security events) with the
Callbacks section of the gateway and the Go Live section below it. Its forms re-render
the whole page next to a refused field, so they live here too; the credential and
phone-step pages that only need accounts stay in accounts.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from accounts import keys, phone, services
from accounts.forms import AsyncResponseUrlForm, PersonalDetailsForm, UsernameForm
from accounts.http import AuthenticatedHttpRequest
from accounts.views import REVEAL_KEY_SESSION_FLAG
from callbacks import views as callback_views
from golive import views as golive_views


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/home.html")


# --- My Profile -----------------------------------------------------------------------


def _other_sections(request: AuthenticatedHttpRequest) -> list[str]:
    """The sections of the apps above accounts, in page order ("" hides one)."""
    rendered = [callback_views.profile_panel(request), golive_views.profile_panel(request)]
    # Each section renders its own template, which escapes what it shows.
    return [mark_safe(html) for html in rendered if html]  # noqa: S308


def _render_profile(request: AuthenticatedHttpRequest, **forms) -> HttpResponse:
    user = request.user
    api_key = keys.active_api_key(user)
    reveal = request.session.pop(REVEAL_KEY_SESSION_FLAG, False)
    context = {
        "details_form": forms.get("details_form") or PersonalDetailsForm(instance=user),
        "username_form": forms.get("username_form") or UsernameForm(user=user),
        "async_form": forms.get("async_form")
        or AsyncResponseUrlForm(instance=keys.default_application(user)),
        "api_key": api_key,
        "api_key_plaintext": api_key.plaintext if (api_key and reveal) else None,
        "keypair": keys.current_keypair(),
        "key_history": user.api_keys.order_by("-created_at"),
        "security_events": user.security_events.order_by("-created_at")[:20],
        "pending_email": EmailAddress.objects.filter(user=user, verified=False).first(),
        "pending_phone": phone.pending_verification(user),
        "sections": _other_sections(request),
        "mfa_enabled": is_mfa_enabled(user),
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
    messages.success(request, "Your personal details were saved.")
    return redirect("dashboard:profile")


@login_required
@require_POST
def username_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UsernameForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_profile(request, username_form=form)
    services.change_username(request.user, username=form.cleaned_data["username"])
    messages.success(request, "Your username was changed.")
    return redirect("dashboard:profile")


@login_required
@require_POST
def async_url_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AsyncResponseUrlForm(request.POST, instance=keys.default_application(request.user))
    if not form.is_valid():
        return _render_profile(request, async_form=form)
    form.save()
    if form.instance.async_response_url:
        messages.success(request, "Saved: every API now answers asynchronously to this URL.")
    else:
        messages.success(request, "Saved: every API now answers synchronously.")
    return redirect("dashboard:profile")
