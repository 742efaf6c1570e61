from django.db import models
from django.utils.translation import gettext_lazy


class Heartbeat(models.Model):
    """Last time a background process (the Celery worker, via beat) proved it was alive."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()
    # Start of the current run of heartbeats without a gap (the status page's "up for").
    up_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table of the model's first home (the portal package, when it was an app):
        # moving the model renamed nothing in the database.
        db_table = "portal_heartbeat"

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class DeveloperAlert(models.Model):
    """An alert email sent to a developer about one application (ops/alerts.py): the
    latest of each kind says when the next may be sent, and since when to look."""

    class Kind(models.TextChoices):
        CALLBACK_FAILURES = "callback_failures", gettext_lazy("Callback failures digest")
        ERROR_RATE = "error_rate", gettext_lazy("Error rate jump")

    application = models.ForeignKey(
        "accounts.Application", on_delete=models.CASCADE, related_name="developer_alerts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField()
    summary = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            # The last alert of a kind for an application (ops.alerts.last_sent).
            models.Index(fields=["application", "kind", "-sent_at"], name="ops_devalert_last"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.application} at {self.sent_at:%Y-%m-%d %H:%M}"
