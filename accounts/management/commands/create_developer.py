"""Create an activated developer and print its credentials as one line of JSON."""

from __future__ import annotations

import json

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts import keys, services
from accounts.models import User
from accounts.phone import normalise_phone_number


class Command(BaseCommand):
    help = (
        "Create a developer who has been through every step (verified email, confirmed "
        "phone, sandbox API key) and print {username, api_key, public_key} as JSON."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--phone", required=True, help="International format, e.g. +254712345678"
        )
        parser.add_argument("--password", required=True)

    def handle(self, *args, **options) -> None:
        username, email, phone, password = self._validated(options)
        user, api_key = services.create_activated_developer(
            username=username, email=email, phone_number=phone, password=password
        )
        line = {
            "username": user.username,
            "api_key": api_key,
            "public_key": keys.current_keypair().public_key_b64,
        }
        self.stdout.write(json.dumps(line))

    def _validated(self, options: dict) -> tuple[str, str, str, str]:
        """Every check before anything is written: bad input creates nothing."""
        errors = []
        username, email = options["username"], options["email"].strip()
        try:
            username = get_adapter().clean_username(username)
        except ValidationError as error:
            errors.append(f"--username: {' '.join(error.messages)}")
        try:
            validate_email(email)
            if (
                User.objects.filter(email__iexact=email).exists()
                or EmailAddress.objects.filter(email__iexact=email).exists()
            ):
                errors.append("--email: a user with this email address already exists.")
        except ValidationError:
            errors.append("--email: enter a valid email address.")
        phone = ""
        try:
            phone = normalise_phone_number(options["phone"])
            if User.objects.filter(phone_number=phone).exists():
                errors.append("--phone: this phone number belongs to another account.")
        except ValidationError as error:
            errors.append(f"--phone: {' '.join(error.messages)}")
        try:
            validate_password(options["password"], User(username=username, email=email))
        except ValidationError as error:
            errors.append(f"--password: {' '.join(error.messages)}")
        if errors:
            raise CommandError("\n".join(errors))
        return username, email, phone, options["password"]
