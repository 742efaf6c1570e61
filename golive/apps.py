from django.apps import AppConfig


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = "Go Live"
