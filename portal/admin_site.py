"""The admin site: staff sign in through allauth, and only with a second factor.

The admin's own login form would bypass allauth's rate limits and two-factor sign-in
(issue 18, finding 1), so `/admin/login/` sends everyone to allauth's sign-in with
`next` kept. A staff account without a second factor (an authenticator app or a
passkey; recovery codes alone do not count) is refused every admin page and sent to set
one up: the admin can deactivate developers and approve live credentials.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.http import on_this_site
from accounts.models import StaffAction
from accounts.services import record_staff_action

STAFF_NEED_MFA = gettext_lazy(
    "Staff must turn on two-factor authentication before using the admin. "
    "Add a passkey or turn on an authenticator app below, then open the admin again."
)
# The second factors that let staff into the admin (allauth's sign-in step asks for one).
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user) -> bool:
    return is_mfa_enabled(user, types=SECOND_FACTORS)


def staff_without_mfa(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff) and (
        not has_second_factor(user)
    )


@admin.action(
    permissions=["delete"],
    description=delete_selected.short_description,  # type: ignore[attr-defined]
)
def audited_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected", with a staff action for a delete of several objects.

    One object's deletion reaches the trail through its LogEntry (accounts/signals.py);
    Django bulk-creates the LogEntry rows of several, which sends no signal.
    """
    if request.POST.get("post") and queryset.count() > 1:
        record_staff_action(
            request.user,
            action=StaffAction.Action.ADMIN_DELETED,
            target=f"{queryset.count()} × {queryset.model._meta.label_lower}",
            detail=", ".join(str(obj) for obj in queryset[:20]),
        )
    return delete_selected(modeladmin, request, queryset)


class PortalAdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._actions["delete_selected"] = audited_delete_selected
        self._global_actions["delete_selected"] = audited_delete_selected

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and has_second_factor(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        user = request.user
        if staff_without_mfa(user):
            messages.warning(request, STAFF_NEED_MFA)
            return redirect("mfa_index")
        if user.is_authenticated and not user.is_staff:
            # Sending a signed-in developer to the sign-in page would loop back here.
            raise PermissionDenied("The admin is for M-Pesa staff.")
        next_url = on_this_site(request, request.GET.get("next", "")) or ""
        if user.is_authenticated:
            return redirect(next_url or reverse("admin:index"))
        query = urlencode({"next": next_url or reverse("admin:index")})
        return redirect(f"{reverse('account_login')}?{query}")
