from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: heartbeat, /healthz, /metrics, request ids, error tracking, alerts."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from ops import signals  # noqa: F401  (connects the Celery signals)
