"""The live key issued on approval: one per developer, and refused by the sandbox."""

import pytest

from accounts.keys import active_api_key
from accounts.models import ApiKey, Environment
from golive import services
from sandbox import auth
from tests.sandbox.helpers import bearer_for


@pytest.fixture
def approved(ready_developer, reviewer):
    request = services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    )
    return services.approve_request(request, by=reviewer)


def test_approval_issues_one_active_live_key(approved, ready_developer):
    live = active_api_key(ready_developer, environment=Environment.LIVE)

    assert approved.live_api_key == live
    assert len(live.plaintext) == 32
    # The sandbox key is untouched.
    assert active_api_key(ready_developer) == ready_developer.api_key


def test_the_sandbox_refuses_the_live_key(approved):
    header = f"Bearer {bearer_for(approved.live_api_key.plaintext)}"

    with pytest.raises(auth.BearerError):
        auth.authenticate(header)


def test_an_existing_live_key_is_kept_not_duplicated(ready_developer, reviewer):
    from accounts.keys import issue_api_key

    existing, _ = issue_api_key(ready_developer, environment=Environment.LIVE)
    request = services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    )

    approved = services.approve_request(request, by=reviewer)

    assert approved.live_api_key == existing
    assert ApiKey.objects.filter(environment=Environment.LIVE).count() == 1


def test_no_new_request_once_live(approved, ready_developer):
    with pytest.raises(services.GoLiveError, match="already live"):
        services.submit_request(
            ready_developer, report_public_id=str(ready_developer.report.public_id)
        )
