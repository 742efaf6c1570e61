from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from reports.histogram import register_sqlite_math

        connection_created.connect(register_sqlite_math, dispatch_uid="reports_sqlite_math")
