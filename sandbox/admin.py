"""Admin for the gateway: rotation of the gateway keypair, sessions, transactions, mandates.

The GatewayKeypair admin itself is registered (read-only) by accounts.admin; rotating is
the gateway's operation, so its action is attached here.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages

from accounts import keys
from accounts.admin import GatewayKeypairAdmin
from sandbox.models import Mandate, Transaction

# The overlap of a rotation started from the admin; the command takes any value.
ADMIN_ROTATION_OVERLAP = timedelta(hours=24)


@admin.action(
    description="Rotate the gateway keypair (previous one accepted 24 more hours)",
    permissions=["rotate"],
)
def rotate_gateway_keypair(modeladmin, request, queryset) -> None:
    for environment in sorted(set(queryset.values_list("environment", flat=True))):
        keys.rotate_gateway_keypair(environment, overlap=ADMIN_ROTATION_OVERLAP)
        modeladmin.message_user(
            request,
            f"New {environment} gateway keypair; the previous one is accepted for 24 hours.",
            messages.SUCCESS,
        )


def _has_rotate_permission(modeladmin, request) -> bool:
    # Keypairs are read-only in the admin (no change form), so the model's change
    # permission is what allows rotating; viewing them is not enough.
    return request.user.has_perm("accounts.change_gatewaykeypair")


GatewayKeypairAdmin.has_rotate_permission = _has_rotate_permission
GatewayKeypairAdmin.actions = [*(GatewayKeypairAdmin.actions or []), rotate_gateway_keypair]


@admin.register(Transaction)
class TransactionAdmin(admin.ModelAdmin):
    list_display = ["transaction_id", "operation", "market", "amount", "reversed_amount", "user"]
    list_filter = ["operation", "market"]
    search_fields = ["transaction_id", "conversation_id", "third_party_conversation_id"]
    readonly_fields = [f.name for f in Transaction._meta.fields]
    list_select_related = ["user"]


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["mandate_id", "third_party_reference", "status", "market", "user"]
    list_filter = ["status", "market"]
    search_fields = ["mandate_id", "third_party_reference"]
    readonly_fields = [f.name for f in Mandate._meta.fields]
    list_select_related = ["user"]
