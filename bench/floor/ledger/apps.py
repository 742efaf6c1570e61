from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "floor.ledger"
    label = "floor"
    default_auto_field = "django.db.models.BigAutoField"
