"""Re-encrypt every secret at rest under the first key of FIELD_ENCRYPTION_KEYS.

Rotating the secrets-at-rest key (docs/operations.md):

1. put a new key first: FIELD_ENCRYPTION_KEYS=<new>,<old>, restart web and workers;
2. `manage.py reencrypt_secrets` re-encrypts every encrypted column under <new>;
3. `manage.py reencrypt_secrets --check` confirms that <new> alone decrypts everything;
4. drop <old>: FIELD_ENCRYPTION_KEYS=<new>, restart.

Encrypted columns are found by name in every installed app's models: a field called
`encrypted` or ending in `_encrypted` holds a Fernet token (accounts.crypto). This app
imports no other app (DESIGN.md, dependency direction), so it asks the app registry.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from accounts import crypto


def encrypted_columns() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every column holding a Fernet token."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name == "encrypted" or field.name.endswith("_encrypted")
    ]


def _reencrypt(model: type[models.Model], field: str, *, batch_size: int) -> int:
    done, last_pk = 0, None
    while True:
        with transaction.atomic():
            rows = model._default_manager.select_for_update().exclude(**{field: ""})
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.order_by("pk").only("pk", field)[:batch_size])
            if not batch:
                return done
            for row in batch:
                setattr(row, field, crypto.rotate(getattr(row, field)))
            model._default_manager.bulk_update(batch, [field])
        done += len(batch)
        last_pk = batch[-1].pk


def _undecryptable(model: type[models.Model], field: str, first: Fernet) -> int:
    bad = 0
    for token in model._default_manager.exclude(**{field: ""}).values_list(field, flat=True):
        try:
            first.decrypt(token.encode())
        except InvalidToken:
            bad += 1
    return bad


class Command(BaseCommand):
    help = "Re-encrypt every secret at rest under the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail unless the first key alone decrypts every secret.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, check: bool, batch_size: int, **options):
        columns = encrypted_columns()
        if check:
            first = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
            bad = {f"{m._meta.label}.{f}": _undecryptable(m, f, first) for m, f in columns}
            for column, count in bad.items():
                self.stdout.write(f"{column}: {count} not readable with the first key alone")
            if any(bad.values()):
                raise CommandError("Some secrets still need the older keys: run without --check.")
            self.stdout.write(self.style.SUCCESS("The first key alone decrypts every secret."))
            return
        for model, field in columns:
            count = _reencrypt(model, field, batch_size=batch_size)
            self.stdout.write(f"{model._meta.label}.{field}: {count} re-encrypted")
        self.stdout.write(self.style.SUCCESS("Every secret is encrypted under the first key."))
