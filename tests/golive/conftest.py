import pytest

from tests.golive.helpers import grant_review_permission, ready_report


@pytest.fixture
def reviewer(staff_reviewer):
    """A staff member with the Go Live review permission."""
    return grant_review_permission(staff_reviewer)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def ready_developer(developer):
    """The developer with a latest report holding successes of all three APIs."""
    developer.report = ready_report(developer)
    return developer
