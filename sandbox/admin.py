"""Admin for the gateway's records: transactions and mandates.

The gateway keypair (model, rotation service and its admin action) belongs to accounts:
see accounts/admin.py.
"""

from __future__ import annotations

from django.contrib import admin

from sandbox.models import Mandate, Transaction


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
