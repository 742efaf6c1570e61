"""Unit tests of the Python library file, over real HTTP to a throwaway local server."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from mpesa_portal_sdk import APIContext, APIMethodType, APIRequest, create_bearer_token

API_KEY = "aaaab09uz9f3asdcjyk7els777ihmwv8"


@pytest.fixture(scope="module")
def keypair() -> tuple[rsa.RSAPrivateKey, str]:
    # 2048 bits keeps the test fast; the code path is the same as for the gateway's 4096.
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_key, base64.b64encode(der).decode()


class _Recorder(BaseHTTPRequestHandler):
    """Records each request and answers with what the test queued on the server."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.server.requests.append(  # type: ignore[attr-defined]
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        )
        status, headers, payload, delay = self.server.reply  # type: ignore[attr-defined]
        time.sleep(delay)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the timeout test's client has already given up

    do_GET = do_POST = do_PUT = _handle

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.requests = []  # type: ignore[attr-defined]
    httpd.reply = (  # type: ignore[attr-defined]
        200,
        {"Content-Type": "application/json"},
        b'{"output_ResponseCode": "INS-0"}',
        0.0,
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _context(server, public_key: str, method: APIMethodType, **kwargs) -> APIContext:
    return APIContext(
        api_key=API_KEY,
        public_key=public_key,
        ssl=False,
        method_type=method,
        address="127.0.0.1",
        port=server.server_address[1],
        path="/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/",
        **kwargs,
    )


def test_bearer_decrypts_to_the_api_key_with_pkcs1_v15(keypair):
    private_key, public_key = keypair

    token = create_bearer_token(API_KEY, public_key)

    plaintext = private_key.decrypt(base64.b64decode(token), padding.PKCS1v15())
    assert plaintext.decode() == API_KEY
    # Randomised padding: the same key never gives the same token twice.
    assert create_bearer_token(API_KEY, public_key) != token


def test_bearer_for_a_4096_bit_key_is_684_characters():
    key = rsa.generate_private_key(public_exponent=65537, key_size=4096)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = create_bearer_token(API_KEY, base64.b64encode(der).decode())
    assert len(token) == 684 and token.endswith("=")


def test_a_malformed_public_key_raises_value_error():
    with pytest.raises(ValueError, match="public_key"):
        create_bearer_token(API_KEY, "not-a-key")


def test_contexts_built_with_defaults_share_nothing():
    first, second = APIContext(), APIContext()
    first.add_parameter("input_Amount", "10")
    first.add_header("Origin", "*")

    assert second.get_parameters() == {}
    assert second.get_headers() == {}


def test_a_context_copies_the_dicts_it_is_given():
    given = {"input_Amount": "10"}
    context = APIContext(parameters=given)
    context.add_parameter("input_Country", "GHA")
    assert given == {"input_Amount": "10"}


def test_context_url_uses_scheme_address_port_and_path():
    context = APIContext(ssl=True, address="openapi.m-pesa.com", port=443, path="/sandbox/x/")
    assert context.get_url() == "https://openapi.m-pesa.com:443/sandbox/x/"
    context.ssl = False
    assert context.get_url().startswith("http://")


def test_context_rejects_a_method_that_is_not_an_api_method_type():
    with pytest.raises(TypeError):
        APIContext(method_type="POST")  # type: ignore[arg-type]


def test_post_sends_json_body_and_bearer(server, keypair):
    private_key, public_key = keypair
    context = _context(server, public_key, APIMethodType.POST)
    context.add_header("Origin", "*")
    context.add_parameter("input_Amount", "10")

    response = APIRequest(context).execute()

    assert response.status_code == 200
    assert response.body == {"output_ResponseCode": "INS-0"}
    sent = server.requests[0]
    assert sent["method"] == "POST"
    assert json.loads(sent["body"]) == {"input_Amount": "10"}
    assert sent["headers"]["Content-Type"] == "application/json"
    assert sent["headers"]["Origin"] == "*"
    bearer = sent["headers"]["Authorization"].removeprefix("Bearer ")
    assert private_key.decrypt(base64.b64decode(bearer), padding.PKCS1v15()) == API_KEY.encode()
    # The bearer is built per call, never stored in the context.
    assert "Authorization" not in context.get_headers()


def test_get_sends_parameters_as_query_string_without_body(server, keypair):
    _, public_key = keypair
    context = _context(server, public_key, APIMethodType.GET)
    context.add_parameter("input_QueryReference", "000000000001")
    context.add_parameter("input_Flag", True)

    APIRequest(context).execute()

    sent = server.requests[0]
    assert sent["method"] == "GET"
    assert sent["body"] == ""
    query = parse_qs(urlsplit(sent["path"]).query)
    assert query == {"input_QueryReference": ["000000000001"], "input_Flag": ["True"]}


def test_put_sends_json_body(server, keypair):
    _, public_key = keypair
    context = _context(server, public_key, APIMethodType.PUT, parameters={"input_X": "1"})

    APIRequest(context).execute()

    assert server.requests[0]["method"] == "PUT"
    assert json.loads(server.requests[0]["body"]) == {"input_X": "1"}


def test_response_headers_with_quotes_are_parsed(server, keypair):
    # The classic SDK re-parsed str(headers) as JSON and crashed on any quote character.
    _, public_key = keypair
    server.reply = (201, {"Content-Type": "application/json", "ETag": 'W/"abc\'d"'}, b"{}", 0.0)

    response = APIRequest(_context(server, public_key, APIMethodType.POST)).execute()

    assert response.status_code == 201
    assert response.header("etag") == 'W/"abc\'d"'
    assert response["status_code"] == 201  # dict-style access of the classic SDK


def test_non_json_body_gives_empty_body_and_raw_text(server, keypair):
    _, public_key = keypair
    server.reply = (502, {"Content-Type": "text/html"}, b"<h1>Bad gateway</h1>", 0.0)

    response = APIRequest(_context(server, public_key, APIMethodType.GET)).execute()

    assert response.status_code == 502
    assert response.body == {}
    assert response.text == "<h1>Bad gateway</h1>"


def test_a_stalled_gateway_times_out(server, keypair):
    _, public_key = keypair
    server.reply = (200, {}, b"{}", 2.0)
    context = _context(server, public_key, APIMethodType.GET, timeout=0.3)

    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        APIRequest(context).execute()
    assert time.monotonic() - started < 1.5


def test_connection_errors_raise_instead_of_returning_none(keypair):
    _, public_key = keypair
    context = APIContext(
        api_key=API_KEY, public_key=public_key, address="127.0.0.1", port=9, path="/x/"
    )
    with pytest.raises(requests.ConnectionError):
        APIRequest(context).execute()


def test_execute_without_context_raises_type_error():
    with pytest.raises(TypeError):
        APIRequest().execute()


def test_delete_is_refused_before_any_request(server, keypair):
    _, public_key = keypair
    with pytest.raises(ValueError, match="DELETE"):
        APIRequest(_context(server, public_key, APIMethodType.DELETE)).execute()
    assert server.requests == []
