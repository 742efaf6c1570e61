"""`manage.py purge_gateway_sessions`: delete getSession sessions that have expired."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from sandbox.models import Session


class Command(BaseCommand):
    help = "Delete expired gateway sessions (they can never be used again)."

    def handle(self, *args, **options):
        deleted, _ = Session.objects.filter(expires_at__lte=timezone.now()).delete()
        self.stdout.write(f"Deleted {deleted} expired gateway session(s).")
