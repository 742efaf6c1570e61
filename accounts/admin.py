"""Staff views of developers and credentials. No secret is ever shown here: API keys
appear by their last four characters, the gateway's private key not at all."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.admin import EmailAddressAdmin
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import models

from accounts import keys, services
from accounts.application_forms import LIMIT_FIELDS, amount_field, count_field
from accounts.models import (
    ApiKey,
    Application,
    GatewayKeypair,
    SecurityEvent,
    StaffAction,
    User,
)


class ApplicationInline(admin.TabularInline):
    model = Application
    fields = readonly_fields = ("name", "is_default", "async_response_url", "locked_at")
    extra = 0
    can_delete = False
    ordering = ["created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = readonly_fields = (
        "application",
        "environment",
        "masked",
        "created_at",
        "retired_at",
    )
    extra = 0
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="key")
    def masked(self, key: ApiKey) -> str:
        return f"…{key.last4}"


class SecurityEventInline(admin.TabularInline):
    model = SecurityEvent
    fields = readonly_fields = ("created_at", "kind", "detail")
    extra = 0
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class DeveloperAdmin(UserAdmin):
    list_display = [
        "username",
        "email",
        "phone_number",
        "company",
        "has_phone",
        "active_key",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_active", "is_staff", "date_joined"]
    search_fields = ["username", "email", "phone_number", "company"]
    readonly_fields = ["public_id", "phone_confirmed_at", "last_login", "date_joined"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        (
            "Developer",
            {
                "fields": [
                    "public_id",
                    "phone_number",
                    "phone_confirmed_at",
                    "company",
                    "country",
                    "timezone",
                ]
            },
        ),
    ]
    inlines = [ApplicationInline, ApiKeyInline, SecurityEventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["deactivate_developers", "reactivate_developers"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("api_keys")

    def get_inlines(self, request, obj):
        # A user being added has no keys or events yet.
        return self.inlines if obj is not None else []

    @admin.display(boolean=True, description="phone confirmed")
    def has_phone(self, user: User) -> bool:
        return user.has_confirmed_phone

    @admin.display(description="active key")
    def active_key(self, user: User) -> str:
        active = [key for key in user.api_keys.all() if key.is_active]
        return ", ".join(f"{key.environment} …{key.last4}" for key in active) or "—"

    # permissions=["change"]: staff who may only view developers may not switch them off.
    @admin.action(
        description="Deactivate developer (sign-in and API keys stop at once)",
        permissions=["change"],
    )
    def deactivate_developers(self, request, queryset) -> None:
        changed = services.set_developers_active(queryset, active=False, by=request.user)
        self.message_user(request, f"Deactivated {changed} developer(s).", messages.SUCCESS)

    @admin.action(description="Reactivate developer", permissions=["change"])
    def reactivate_developers(self, request, queryset) -> None:
        changed = services.set_developers_active(queryset, active=True, by=request.user)
        self.message_user(request, f"Reactivated {changed} developer(s).", messages.SUCCESS)


class ApplicationLimitsForm(forms.ModelForm):
    """Staff change an application's limits only (a live one's too: that is how its
    limits change after Go Live), validated as on the developer's page."""

    limit_single_value = amount_field("Single transaction value")
    limit_session_count = count_field("Transactions per session")
    limit_session_value = amount_field("Value per session")
    limit_customer_daily_count = count_field("Transactions per customer per day")
    limit_customer_daily_value = amount_field("Value per customer per day")

    class Meta:
        model = Application
        fields = list(LIMIT_FIELDS)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Applications, their keys (last 4) and settings. Staff may change the limits, of a
    live (locked) application too; every such change is recorded on the developer's
    security events (the audit)."""

    form = ApplicationLimitsForm
    list_display = ["name", "user", "is_default", "strict_mode", "is_locked", "created_at"]
    list_filter = ["is_default", "strict_mode", ("locked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "user__email", "public_id"]
    list_select_related = ["user"]
    ordering = ["user__username", "created_at"]
    readonly_fields = [
        "public_id",
        "user",
        "name",
        "version",
        "description",
        "is_default",
        "async_response_url",
        "session_lifetime_seconds",
        "trusted_sources",
        "disabled_apis",
        "usage_start",
        "usage_end",
        "usage_timezone",
        "strict_mode",
        "locked_at",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["public_id", "user", "name", "version", "description", "is_default"]}),
        (
            "Settings",
            {
                "fields": [
                    "async_response_url",
                    "session_lifetime_seconds",
                    "trusted_sources",
                    "disabled_apis",
                    "usage_start",
                    "usage_end",
                    "usage_timezone",
                    "strict_mode",
                    "locked_at",
                    "created_at",
                ]
            },
        ),
        (
            "Limits (changes are recorded on the developer's security events)",
            {"fields": LIMIT_FIELDS},
        ),
    ]
    inlines = [ApiKeyInline]

    @admin.display(boolean=True, description="locked")
    def is_locked(self, application: Application) -> bool:
        return application.is_locked

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: Application, form, change: bool) -> None:
        # The admin's change view runs in one transaction: the change and its audit
        # record are saved together or not at all.
        super().save_model(request, obj, form, change)
        changed = [name for name in LIMIT_FIELDS if name in form.changed_data]
        if change and changed:
            parts = [
                f"{name} {form.initial.get(name)}→{form.cleaned_data[name]}" for name in changed
            ]
            services.record_security_event(
                obj.user,
                kind=SecurityEvent.Kind.LIMITS_CHANGED_BY_STAFF,
                detail=f"{obj.name}: {'; '.join(parts)} (by {request.user.get_username()})",
            )


# The overlap of a rotation started from the admin; `manage.py rotate_gateway_key` takes any.
ADMIN_ROTATION_OVERLAP = timedelta(hours=24)


@admin.register(GatewayKeypair)
class GatewayKeypairAdmin(admin.ModelAdmin):
    """Read-only: the public key and its dates. The one change is the rotate action."""

    list_display = ["environment", "created_at", "accepted_until", "fingerprint"]
    list_filter = ["environment"]
    fields = readonly_fields = ("environment", "public_key_b64", "created_at", "accepted_until")
    ordering = ["-created_at"]
    actions = ["rotate_gateway_keypair"]

    @admin.action(
        description="Rotate the gateway keypair (previous one accepted 24 more hours)",
        permissions=["rotate"],
    )
    def rotate_gateway_keypair(self, request, queryset) -> None:
        for environment in sorted(set(queryset.values_list("environment", flat=True))):
            keypair = keys.rotate_gateway_keypair(environment, overlap=ADMIN_ROTATION_OVERLAP)
            services.record_staff_action(
                request.user,
                action=StaffAction.Action.KEYPAIR_ROTATED,
                target=f"{environment} gateway keypair",
                detail=f"new key …{keypair.public_key_b64[-24:]}; previous accepted 24 hours",
            )
            self.message_user(
                request,
                f"New {environment} gateway keypair; the previous one is accepted for 24 hours.",
                messages.SUCCESS,
            )

    def has_rotate_permission(self, request) -> bool:
        # Keypairs are read-only in the admin (no change form), so the model's change
        # permission is what allows rotating; viewing them is not enough.
        return request.user.has_perm("accounts.change_gatewaykeypair")

    @admin.display(description="public key (end)")
    def fingerprint(self, keypair: GatewayKeypair) -> str:
        return "…" + keypair.public_key_b64[-24:]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# allauth's own admin action marks email addresses verified (activating accounts) for
# anyone who may merely view them: require the change permission, like ours above.
EmailAddressAdmin.make_verified.allowed_permissions = ("change",)


# --- Staff audit trail (issue 18) ------------------------------------------------------


@admin.register(StaffAction)
class StaffActionAdmin(admin.ModelAdmin):
    """The staff audit trail: listed and searchable, never added, changed or deleted
    here (the model refuses it too)."""

    list_display = ["created_at", "actor_username", "action", "target", "detail"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_username", "target", "detail"]
    fields = readonly_fields = (
        "created_at",
        "actor",
        "actor_username",
        "action",
        "target",
        "detail",
    )
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
