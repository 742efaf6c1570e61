"""`manage.py rotate_gateway_key --overlap-hours N [--environment sandbox|live]`."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from accounts import keys, services
from accounts.models import Environment, StaffAction


class Command(BaseCommand):
    help = (
        "Make a new gateway RSA keypair for an environment. Bearers made with the previous "
        "public key keep working for --overlap-hours, then are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--overlap-hours", type=float, required=True)
        parser.add_argument(
            "--environment", choices=[e.value for e in Environment], default=Environment.SANDBOX
        )

    def handle(self, *args, overlap_hours: float, environment: str, **options):
        if overlap_hours < 0:
            raise CommandError("--overlap-hours must be 0 or more")
        keypair = keys.rotate_gateway_keypair(environment, overlap=timedelta(hours=overlap_hours))
        services.record_staff_action(
            None,
            action=StaffAction.Action.KEYPAIR_ROTATED,
            target=f"{environment} gateway keypair",
            detail=f"new key …{keypair.public_key_b64[-24:]}; previous accepted "
            f"{overlap_hours:g} hour(s)",
        )
        self.stdout.write(
            f"New {environment} gateway keypair created at {keypair.created_at:%Y-%m-%d %H:%M} "
            f"UTC; the previous one is accepted for {overlap_hours:g} more hour(s).\n"
            f"Public key (Base64 DER): {keypair.public_key_b64}"
        )
