"""The accounts app's pages: My Profile's credential actions (reveal and renew the API
key, the public key as PEM) and the phone step. My Profile itself is dashboard's."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import keys, languages, phone, services
from accounts.forms import BrowserTimeZoneForm, PhoneCodeForm, PhoneNumberForm
from accounts.http import AuthenticatedHttpRequest, on_this_site, posted_next

# Session flag: show the API key's plaintext on the next rendering of My Profile only.
REVEAL_KEY_SESSION_FLAG = "accounts.reveal_api_key"
# Session key: where a change of phone number started (the page named in the form's
# `next`), to go back to once the new number is confirmed.
PHONE_NEXT_SESSION_KEY = "accounts.phone_next"


# --- My Profile's credential pages -----------------------------------------------------


def _profile_url(anchor: str = "") -> str:
    # My Profile itself is composed above accounts (dashboard/); accounts sends people
    # back to it the way a sign-in does, through the project's LOGIN_REDIRECT_URL,
    # rather than naming a higher app's URL.
    url = resolve_url(settings.LOGIN_REDIRECT_URL)
    return f"{url}#{anchor}" if anchor else url


@never_cache
@login_required
@require_POST
def api_key_reveal(request: AuthenticatedHttpRequest) -> HttpResponse:
    api_key = keys.active_api_key(request.user)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"api_key": api_key.plaintext if api_key else None})
    request.session[REVEAL_KEY_SESSION_FLAG] = True
    return redirect(_profile_url("api-key"))


@login_required
@require_http_methods(["GET", "POST"])
def api_key_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_staff:
        raise PermissionDenied(_("Staff accounts do not get API keys."))
    if request.method == "GET":
        context = {"api_key": keys.active_api_key(request.user)}
        return render(request, "accounts/api_key_renew.html", context)
    previous = keys.active_api_key(request.user)
    services.renew_api_key(request.user)
    request.session[REVEAL_KEY_SESSION_FLAG] = True
    if previous:
        messages.success(
            request,
            _("Your API key was renewed. The previous key …%(last4)s no longer works.")
            % {"last4": previous.last4},
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
def phone_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PhoneNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone.send_phone_code(request.user, phone_number=form.cleaned_data["phone_number"])
        except phone.PhoneStepError as error:
            form.add_error("phone_number", str(error))
        else:
            request.session[PHONE_NEXT_SESSION_KEY] = posted_next(request)
            messages.success(request, _("We sent a code by SMS. Type it below."))
            return redirect("accounts:phone-confirm")
    return render(request, "accounts/phone_add.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def phone_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
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
    back = request.session.pop(PHONE_NEXT_SESSION_KEY, None)
    if was_active:
        messages.success(request, _("Your new phone number is confirmed."))
        return redirect(back or _profile_url())
    request.session[REVEAL_KEY_SESSION_FLAG] = True
    messages.success(request, _("Your phone number is confirmed and your account is active."))
    return redirect(_profile_url("api-key"))


@login_required
@require_POST
def phone_resend(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        phone.resend_phone_code(request.user)
    except phone.PhoneStepError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("We sent a new code by SMS."))
    return redirect("accounts:phone-confirm")


# --- Time zone: the browser's default ------------------------------------------------


@never_cache
@login_required
@require_POST
def time_zone_browser(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The browser's zone (static/js/timezone-default.js), stored only while the
    developer has none; a zone they chose is never replaced."""
    form = BrowserTimeZoneForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    stored = services.set_browser_time_zone(request.user, name=form.cleaned_data["time_zone"])
    return JsonResponse({"stored": stored, "time_zone": request.user.time_zone})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's switcher: the choice kept (accounts.languages, the same path as My
    Profile's Language form), then back to the page it was sent from. The switcher sends
    no `next` (a page address may hold a secret, docs/i18n.md): the Referer, which the
    same-origin referrer policy sends, checked as Django's set_language checks it."""
    response = HttpResponseRedirect(
        on_this_site(request, request.META.get("HTTP_REFERER", "")) or "/"
    )
    language = request.POST.get("language", "")
    # A language the portal does not offer changes nothing: no cookie, no profile.
    if languages.is_offered(language):
        languages.choose_language(request, response, language)
    return response
