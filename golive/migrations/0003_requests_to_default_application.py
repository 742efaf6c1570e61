"""Every existing Go Live request belongs to its developer's Default application (the
one holding the keys its report covers); an approved request locks that application.
Nothing is lost: the requests, their snapshots and decisions stay as they were."""

from django.db import migrations


def to_default_application(apps, schema_editor):
    GoLiveRequest = apps.get_model("golive", "GoLiveRequest")
    Application = apps.get_model("accounts", "Application")
    user_ids = (
        GoLiveRequest.objects.filter(application__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in user_ids.iterator():
        application, _ = Application.objects.get_or_create(
            user_id=user_id, is_default=True, defaults={"name": "Default"}
        )
        requests = GoLiveRequest.objects.filter(user_id=user_id, application__isnull=True)
        requests.update(application=application)
        approved = (
            GoLiveRequest.objects.filter(user_id=user_id, status="approved")
            .order_by("decided_at")
            .values_list("decided_at", flat=True)
            .first()
        )
        if approved and application.locked_at is None:
            Application.objects.filter(pk=application.pk).update(locked_at=approved)


class Migration(migrations.Migration):
    dependencies = [("golive", "0002_goliverequest_application")]

    # Backwards: the column goes with 0002; nothing to undo here.
    operations = [migrations.RunPython(to_default_application, migrations.RunPython.noop)]
