from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import keys, phone, services
from accounts.forms import (
    AsyncResponseUrlForm,
    PersonalDetailsForm,
    PhoneCodeForm,
    PhoneNumberForm,
    UsernameForm,
)

# Session flag: show the API key's plaintext on the next rendering of My Profile only.
REVEAL_KEY_SESSION_FLAG = "accounts.reveal_api_key"


# --- My Profile -----------------------------------------------------------------------


def _profile_url(anchor: str) -> str:
    return reverse("accounts:profile") + "#" + anchor


def _profile_panels(request: HttpRequest) -> list[str]:
    """HTML sections other apps add to My Profile (settings.PROFILE_PANELS), in order."""
    rendered = (import_string(path)(request) for path in settings.PROFILE_PANELS)
    # Each panel renders its own template, which escapes what it shows.
    return [mark_safe(html) for html in rendered if html]  # noqa: S308


def _render_profile(request: HttpRequest, **forms) -> HttpResponse:
    user = request.user
    api_key = keys.active_api_key(user)
    reveal = request.session.pop(REVEAL_KEY_SESSION_FLAG, False)
    context = {
        "details_form": forms.get("details_form") or PersonalDetailsForm(instance=user),
        "username_form": forms.get("username_form") or UsernameForm(user=user),
        "async_form": forms.get("async_form") or AsyncResponseUrlForm(instance=user),
        "api_key": api_key,
        "api_key_plaintext": api_key.plaintext if (api_key and reveal) else None,
        "keypair": keys.current_keypair(),
        "key_history": user.api_keys.order_by("-created_at"),
        "security_events": user.security_events.order_by("-created_at")[:20],
        "pending_email": EmailAddress.objects.filter(user=user, verified=False).first(),
        "pending_phone": phone.pending_verification(user),
        "panels": _profile_panels(request),
    }
    response = render(request, "accounts/profile.html", context)
    if reveal:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return _render_profile(request)


@login_required
@require_POST
def details_update(request: HttpRequest) -> HttpResponse:
    form = PersonalDetailsForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _render_profile(request, details_form=form)
    form.save()
    messages.success(request, "Your personal details were saved.")
    return redirect("accounts:profile")


@login_required
@require_POST
def username_update(request: HttpRequest) -> HttpResponse:
    form = UsernameForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_profile(request, username_form=form)
    services.change_username(request.user, username=form.cleaned_data["username"])
    messages.success(request, "Your username was changed.")
    return redirect("accounts:profile")


@login_required
@require_POST
def async_url_update(request: HttpRequest) -> HttpResponse:
    form = AsyncResponseUrlForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _render_profile(request, async_form=form)
    form.save()
    if form.instance.async_response_url:
        messages.success(request, "Saved: every API now answers asynchronously to this URL.")
    else:
        messages.success(request, "Saved: every API now answers synchronously.")
    return redirect("accounts:profile")


@never_cache
@login_required
@require_POST
def api_key_reveal(request: HttpRequest) -> HttpResponse:
    api_key = keys.active_api_key(request.user)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"api_key": api_key.plaintext if api_key else None})
    request.session[REVEAL_KEY_SESSION_FLAG] = True
    return redirect(_profile_url("api-key"))


@login_required
@require_http_methods(["GET", "POST"])
def api_key_renew(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        context = {"api_key": keys.active_api_key(request.user)}
        return render(request, "accounts/api_key_renew.html", context)
    previous = keys.active_api_key(request.user)
    services.renew_developer_api_key(request.user)
    request.session[REVEAL_KEY_SESSION_FLAG] = True
    if previous:
        messages.success(
            request,
            f"Your API key was renewed. The previous key …{previous.last4} no longer works.",
        )
    return redirect(_profile_url("api-key"))


@login_required
@require_GET
def public_key_pem(request: HttpRequest) -> HttpResponse:
    keypair = keys.current_keypair()
    response = HttpResponse(keys.public_key_pem(keypair), content_type="application/x-pem-file")
    response["Content-Disposition"] = "attachment; filename=mpesa-sandbox-public-key.pem"
    return response


# --- The phone step ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def phone_add(request: HttpRequest) -> HttpResponse:
    form = PhoneNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone.send_phone_code(request.user, phone_number=form.cleaned_data["phone_number"])
        except phone.PhoneStepError as error:
            form.add_error("phone_number", str(error))
        else:
            messages.success(request, "We sent a code by SMS. Type it below.")
            return redirect("accounts:phone-confirm")
    return render(request, "accounts/phone_add.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def phone_confirm(request: HttpRequest) -> HttpResponse:
    verification = phone.pending_verification(request.user)
    if verification is None:
        return redirect("accounts:phone-add")
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        was_active = request.user.has_confirmed_phone
        try:
            phone.confirm_phone_code(request.user, code=form.cleaned_data["code"])
        except phone.PhoneStepError as error:
            form.add_error("code", str(error))
        else:
            return _after_phone_confirmed(request, was_active=was_active)
    context = {"form": form, "verification": verification}
    return render(request, "accounts/phone_confirm.html", context)


def _after_phone_confirmed(request: HttpRequest, *, was_active: bool) -> HttpResponse:
    if was_active:
        messages.success(request, "Your new phone number is confirmed.")
        return redirect("accounts:profile")
    request.session[REVEAL_KEY_SESSION_FLAG] = True
    messages.success(request, "Your phone number is confirmed and your account is active.")
    return redirect(_profile_url("api-key"))


@login_required
@require_POST
def phone_resend(request: HttpRequest) -> HttpResponse:
    try:
        phone.resend_phone_code(request.user)
    except phone.PhoneStepError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "We sent a new code by SMS.")
    return redirect("accounts:phone-confirm")
