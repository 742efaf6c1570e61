"""The whole Go Live flow through the views and the admin, with the mail outbox."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiKey, Environment
from golive.models import GoLiveRequest
from tests.golive.helpers import business_data, log_calls, log_conformance_calls, make_report


def _post(client, capture, url, data=None):
    with capture(execute=True):
        return client.post(url, data or {})


def test_submit_reject_fix_resubmit_approve(
    client, developer, reviewer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.GOLIVE_REVIEWER_EMAILS = ["review@mpesa.example"]
    capture = django_capture_on_commit_callbacks
    create = reverse("golive:request-create")

    # 1. Only C2B works so far: Go Live! says what is missing.
    log_calls(developer, successes=("c2bPayment",), failures=("reversal",))
    make_report(developer)
    client.force_login(developer)
    profile = client.get(reverse("dashboard:profile-integration")).content.decode()
    assert "no successful Reversal call (reversal)" in profile
    assert "no successful Query Transaction Status call" in profile

    # 2. All three work and a new report is generated: confirm and send.
    log_calls(developer, successes=("reversal", "queryTransactionStatus"), failures=())
    # (After the failed Reversal above, whose empty request a later Reversal repeats.)
    log_conformance_calls(developer, when=timezone.now() - timedelta(minutes=2))
    report = make_report(developer)
    assert "Send my Go Live request" in client.get(create).content.decode()
    assert (
        _post(
            client, capture, create, {**business_data(), "report": str(report.public_id)}
        ).status_code
        == 302
    )
    first = GoLiveRequest.objects.get()
    assert [m.to for m in mailoutbox] == [["review@mpesa.example"], [developer.email]]

    # 3. The reviewer opens it (in review) and rejects it with a reason.
    client.force_login(reviewer)
    change = reverse("admin:golive_goliverequest_change", args=[first.pk])
    with capture(execute=True):
        assert client.get(change).status_code == 200
    reject = reverse("admin:golive_request_reject", args=[first.pk])
    _post(client, capture, reject, {"reason": "Please test a partial reversal too."})
    first.refresh_from_db()
    assert first.status == GoLiveRequest.Status.REJECTED
    assert "in review" in mailoutbox[2].subject
    assert "Please test a partial reversal too." in mailoutbox[3].body

    # 4. The developer sees the reason on My Profile, fixes, and sends again.
    client.force_login(developer)
    profile = client.get(reverse("dashboard:profile-integration")).content.decode()
    assert "Please test a partial reversal too." in profile
    report = make_report(developer)
    _post(client, capture, create, {**business_data(), "report": str(report.public_id)})
    second = GoLiveRequest.objects.exclude(pk=first.pk).get()
    assert second.is_open and second.report == report

    # 5. Approved: a live key, an email, and My Profile shows both key and live URL.
    client.force_login(reviewer)
    _post(client, capture, reverse("admin:golive_request_approve", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == GoLiveRequest.Status.APPROVED
    assert second.decided_by == reviewer
    assert "approved" in mailoutbox[-1].subject and mailoutbox[-1].to == [developer.email]
    live = ApiKey.objects.get(user=developer, environment=Environment.LIVE, retired_at=None)
    client.force_login(developer)
    profile = client.get(reverse("dashboard:profile-integration")).content.decode()
    assert live.plaintext not in profile  # masked; revealed by a POST only
    assert settings.LIVE_BASE_URL in profile
    reveal = reverse("golive:live-key-reveal", args=[second.application.public_id])
    assert live.plaintext in client.post(reveal).content.decode()
    # Staff + developer per submission (4), in review, rejected, approved.
    assert len(mailoutbox) == 7
