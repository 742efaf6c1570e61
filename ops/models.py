from django.db import models


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
