"""Business details and documents on the confirmation step: validation next to the
field, content-sniffed types, nothing half-saved, and the private download view."""

import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from golive.models import GoLiveRequest
from tests.golive.helpers import PDF_BYTES, business_data

URL = reverse("golive:request-create")


def _files():
    root = settings.MEDIA_ROOT
    found = set()
    for dirpath, _dirs, names in os.walk(root):
        found |= {os.path.join(dirpath, n) for n in names}
    return found


def _post(client, developer, **overrides):
    data = business_data(**overrides)
    data["report"] = str(developer.report.public_id)
    return client.post(URL, data)


def test_details_and_documents_are_kept(client, ready_developer):
    client.force_login(ready_developer)
    assert _post(client, ready_developer).status_code == 302
    request = GoLiveRequest.objects.get()
    assert request.business_details["legal_name"] == "Acme Payments Ltd"
    assert request.business_details["markets"] == ["vodafoneGHA"]
    business = request.snapshot["business"]
    assert business["expected_monthly_volume"] == "250000.00"
    assert business["documents"]["incorporation_certificate"]["media_type"] == "application/pdf"
    assert business["documents"]["director_id"]["filename"] == "id.png"
    # Stored under random names, not the client's.
    assert request.incorporation_certificate.name.startswith("golive/documents/")
    assert "certificate" not in request.incorporation_certificate.name
    assert request.director_id.name.endswith(".png")
    page = client.get(reverse("golive:request-detail", args=[request.public_id])).content.decode()
    assert "Acme Payments Ltd" in page and "CS/2019/1234" in page


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        (
            "incorporation_certificate",
            SimpleUploadedFile("cert.pdf", b"<html><script>alert(1)</script>", "application/pdf"),
            "not a PDF, PNG or JPEG",
        ),
        (
            "director_id",
            SimpleUploadedFile("id.png", b"GIF89a" + b"\x00" * 20, "image/png"),
            "not a PDF, PNG or JPEG",
        ),
        (
            "director_id",
            SimpleUploadedFile(
                "big.pdf", PDF_BYTES + b"\x00" * (5 * 1024 * 1024), "application/pdf"
            ),
            "larger than 5 MB",
        ),
    ],
)
def test_bad_documents_are_refused_by_the_field_and_nothing_is_saved(
    client, ready_developer, field, upload, message
):
    client.force_login(ready_developer)
    before = _files()
    response = _post(client, ready_developer, **{field: upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}-error"' in body
    assert not GoLiveRequest.objects.exists()
    assert _files() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("expected_monthly_volume", "-1", "greater than or equal to 0"),
        ("legal_name", "", "This field is required"),
        ("shortcode", "12ab", "4 to 10 digits"),
        ("markets", [], "Choose at least one market"),
    ],
)
def test_bad_details_get_a_message_by_the_field(client, ready_developer, field, value, message):
    client.force_login(ready_developer)
    response = _post(client, ready_developer, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GoLiveRequest.objects.exists()


def test_a_failure_after_the_files_were_written_deletes_them(client, ready_developer, monkeypatch):
    client.force_login(ready_developer)
    before = _files()

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(GoLiveRequest, "save", broken_save)
    with pytest.raises(RuntimeError):
        _post(client, ready_developer)
    assert _files() == before


def test_documents_only_for_the_owner_and_reviewers(
    client, ready_developer, other_developer, reviewer
):
    client.force_login(ready_developer)
    _post(client, ready_developer)
    request = GoLiveRequest.objects.get()
    url = reverse("golive:request-document", args=[request.public_id, "incorporation-certificate"])

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES

    other = Client()
    other.force_login(other_developer)
    assert other.get(url).status_code == 404
    staff = Client()
    staff.force_login(reviewer)
    assert staff.get(url).status_code == 200
    assert Client().get(url).status_code == 302  # to sign in
    bad = reverse("golive:request-document", args=[request.public_id, "passport"])
    assert client.get(bad).status_code == 404
