from django.apps import AppConfig
from django.db.models.signals import post_migrate

REVIEWERS_GROUP = "Go Live reviewers"


# What a reviewer may do: review requests, and say which conformance items each market
# requires (golive.ConformanceRequirement in the admin).
REVIEWER_PERMISSIONS = (
    "review_golive",
    "view_conformancerequirement",
    "add_conformancerequirement",
    "change_conformancerequirement",
    "delete_conformancerequirement",
)


def ensure_reviewers_group(sender, using="default", **kwargs) -> None:
    """A ready-made group holding the reviewers' permissions: staff become reviewers by
    being added to it in the admin. Runs after migrate, once the permission rows exist."""
    from django.contrib.auth.models import Group, Permission

    permissions = Permission.objects.using(using).filter(
        content_type__app_label="golive", codename__in=REVIEWER_PERMISSIONS
    )
    if not permissions.filter(codename="review_golive").exists():  # a partial migrate
        return
    group, _ = Group.objects.using(using).get_or_create(name=REVIEWERS_GROUP)
    group.permissions.add(*permissions)


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = "Go Live"

    def ready(self) -> None:
        post_migrate.connect(ensure_reviewers_group, sender=self)
