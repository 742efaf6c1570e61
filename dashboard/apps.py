from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """Pages that compose several apps (home, My Profile). The top layer: it imports the
    apps it shows; none of them imports it."""

    name = "dashboard"
    verbose_name = "Dashboard"
