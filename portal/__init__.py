"""The project package, not an app: settings, URLs, the Celery application (with its
embedded broker transport and Redis cache backend), project-wide middleware, WSGI/ASGI."""

from .celery import app as celery_app

__all__ = ("celery_app",)
