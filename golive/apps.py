from django.apps import AppConfig
from django.db.models.signals import post_migrate

REVIEWERS_GROUP = "Go Live reviewers"


def ensure_reviewers_group(sender, using="default", **kwargs) -> None:
    """A ready-made group holding the review permission: staff become reviewers by being
    added to it in the admin. Runs after migrate, once the permission rows exist."""
    from django.contrib.auth.models import Group, Permission

    permission = Permission.objects.using(using).filter(
        content_type__app_label="golive", codename="review_golive"
    )
    if not permission.exists():  # a partial migrate that did not reach golive yet
        return
    group, _ = Group.objects.using(using).get_or_create(name=REVIEWERS_GROUP)
    group.permissions.add(*permission)


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = "Go Live"

    def ready(self) -> None:
        post_migrate.connect(ensure_reviewers_group, sender=self)
