"""Request bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (256 KiB) are refused early: 413 in
the envelope, decided from the Content-Length before the bearer is checked and before
a byte of the body is read, and not logged. Bodies without a Content-Length (chunked)
are never read under WSGI.
"""

from __future__ import annotations

import json

import pytest
from django.test.client import FakePayload
from hypothesis import given
from hypothesis import strategies as st

from catalog import MARKETS, get_api
from sandbox import views
from tests.fuzz.strategies import fuzz

pytestmark = pytest.mark.django_db

C2B = get_api("c2bPayment")
MB = 1024 * 1024


class CountingPayload(FakePayload):
    """The request's input stream, counting the bytes the server side reads. Reading
    past the end returns what there is (a real socket would block, then time out)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1, /):
        left = len(self)  # what is not read yet
        chunk = super().read(left if size is None or size < 0 else min(size, left))
        self.bytes_read += len(chunk)
        return chunk


def _c2b_body(padding: int = 0) -> bytes:
    body = json.dumps(C2B.sample_request(MARKETS["vodafoneGHA"]))
    return body[:-1].encode() + b" " * padding + b"}"


def _send(gateway, raw: bytes, *, content_length: str | None = None, authorization="valid"):
    stream = CountingPayload(raw)
    meta = {"wsgi.input": stream}
    if content_length is not None:
        meta["CONTENT_LENGTH"] = content_length
    answer = gateway.send(
        "POST", "vodafoneGHA", C2B.path, raw, meta=meta, authorization=authorization
    )
    return answer, stream


@pytest.fixture
def no_bearer_check(monkeypatch):
    """The refusal comes before the bearer: authenticating would fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the bearer was checked for a body refused by its size")

    monkeypatch.setattr(views.auth, "authenticate", refuse)


def test_a_5_mb_body_is_refused_unread_before_the_bearer(gateway, settings, no_bearer_check):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 256 * 1024
    answer, stream = _send(gateway, b'{"input_Amount": "' + b"1" * (5 * MB) + b'"}')
    assert (answer.status, answer.code) == (413, "INS-21"), answer.data
    assert answer.data["output_ResponseDesc"] == "Request body too large. Please try again."
    assert stream.bytes_read == 0
    assert answer.logged == 0


@pytest.mark.parametrize("authorization", [None, "Bearer garbage"])
def test_the_size_refusal_is_the_same_without_a_valid_bearer(
    gateway, no_bearer_check, authorization
):
    answer, stream = _send(gateway, b"x" * (MB), authorization=authorization)
    assert (answer.status, answer.code) == (413, "INS-21")
    assert stream.bytes_read == 0


def test_a_huge_content_length_with_a_short_body_is_refused_unread(gateway, no_bearer_check):
    answer, stream = _send(gateway, _c2b_body(), content_length=str(10**12))
    assert (answer.status, answer.code) == (413, "INS-21")
    assert stream.bytes_read == 0


def test_a_body_at_the_limit_is_served_and_one_byte_more_is_refused(gateway, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    at_limit = _c2b_body(padding=limit - len(_c2b_body()))
    assert len(at_limit) == limit
    answer, stream = _send(gateway, at_limit)
    assert (answer.status, answer.code) == (201, "INS-0"), answer.data
    assert stream.bytes_read == limit and answer.logged == 1
    answer, stream = _send(gateway, _c2b_body(padding=limit - len(_c2b_body()) + 1))
    assert (answer.status, answer.code, stream.bytes_read) == (413, "INS-21", 0)


def test_a_chunked_body_without_content_length_is_never_read(gateway):
    """WSGI servers pass a chunked body with no CONTENT_LENGTH: Django reads nothing, so
    a 5 MB chunked body costs no memory; the call is answered as one without a body."""
    answer, stream = _send(
        gateway, b"{" + b" " * (5 * MB) + b"}", content_length="", authorization="valid"
    )
    assert stream.bytes_read == 0
    assert (answer.status, answer.code) == (400, "INS-20"), answer.data
    assert answer.logged == 1


@pytest.mark.parametrize("content_length", ["abc", "-1", "1e9", "0x10", " "])
def test_a_malformed_content_length_is_refused_in_the_envelope(gateway, content_length):
    answer, stream = _send(gateway, _c2b_body(), content_length=content_length)
    assert answer.status == 400 and answer.code == "INS-21", answer.data
    assert stream.bytes_read == 0 and answer.logged == 0


@fuzz(60)
@given(length=st.integers(0, 2 * 256 * 1024), extra=st.integers(-50, 50))
def test_any_content_length_gets_the_envelope(gateway, length, extra):
    """Declared lengths around and over the limit, the body longer or shorter than
    declared: over the limit is 413 unread, under it the body is read up to its length."""
    declared = max(0, length + extra)
    answer, stream = _send(
        gateway, b"{" + b" " * max(0, length - 2) + b"}", content_length=str(declared)
    )
    if declared > 256 * 1024:
        assert (answer.status, stream.bytes_read) == (413, 0), answer.data
    else:
        assert answer.status in (400, 201), answer.data
        assert stream.bytes_read <= declared
