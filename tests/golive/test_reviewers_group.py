"""Staff become Go Live reviewers by joining the group created at migrate time."""

from django.contrib.auth.models import Group

from golive import services
from golive.apps import REVIEWERS_GROUP
from tests import factories


def test_group_grants_the_review_permission(db):
    group = Group.objects.get(name=REVIEWERS_GROUP)
    member = factories.UserFactory(username="newreviewer", is_staff=True)
    outsider = factories.UserFactory(username="otherstaff", is_staff=True)

    member.groups.add(group)

    assert services.can_review(type(member).objects.get(pk=member.pk))
    assert not services.can_review(outsider)


def test_non_staff_in_the_group_cannot_review(db):
    member = factories.UserFactory(username="notstaff")
    member.groups.add(Group.objects.get(name=REVIEWERS_GROUP))

    assert not services.can_review(type(member).objects.get(pk=member.pk))


def test_reviewers_say_which_conformance_items_each_market_requires(client, db):
    member = factories.UserFactory(username="marketreviewer", is_staff=True)
    member.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    client.force_login(member)

    assert client.get("/admin/golive/conformancerequirement/").status_code == 200
    assert client.get("/admin/golive/conformancerequirement/add/").status_code == 200
