from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the worker heartbeat and the /healthz probe (later: metrics)."""

    name = "ops"
    verbose_name = "Operations"
