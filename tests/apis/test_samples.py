"""Sample generation (apis.samples): every language, fresh values, GET vs body."""

from __future__ import annotations

import pytest

from apis.docs import Credentials, Endpoint
from apis.samples import samples_for
from catalog import MARKETS, all_apis, get_api

CREDS = Credentials("k" * 32, "PUBKEYB64==", is_placeholder=False)
ENDPOINT = Endpoint(False, "127.0.0.1", 8102, "/sandbox/ipg/v2/vodafoneGHA/x/")


def _samples(slug: str) -> dict[str, str]:
    api = get_api(slug)
    return {s.language: s.code for s in samples_for(api, MARKETS["vodafoneGHA"], ENDPOINT, CREDS)}


@pytest.mark.parametrize("api", all_apis(), ids=lambda a: a.slug)
def test_every_api_has_six_samples_with_credentials_endpoint_and_values(api):
    samples = _samples(api.slug)

    assert set(samples) == {"java", "python", "curl", "node", "php", "csharp"}
    fixed = {
        name: value
        for name, value in api.sample_request(MARKETS["vodafoneGHA"]).items()
        if not api.param(name).fresh
    }
    for language, code in samples.items():
        assert CREDS.api_key in code and CREDS.public_key in code, language
        assert ENDPOINT.url in code or ENDPOINT.path in code, language
        assert api.method in code, language
        for name, value in fixed.items():
            assert name in code and value in code, (language, name)


def test_fresh_values_are_random_at_run_time_not_fixed_in_the_code():
    samples = _samples("c2bPayment")
    assert "uuid.uuid4().hex[:32])" in samples["python"]
    assert "UUID.randomUUID()" in samples["java"]
    assert "openssl rand -hex 16 | cut -c1-20" in samples["curl"]
    assert "random_bytes(16)" in samples["php"]
    assert 'Guid.NewGuid().ToString("N")' in samples["csharp"]
    assert "randomUUID()" in samples["node"]


def test_get_samples_send_a_query_string_and_no_body():
    samples = _samples("queryTransactionStatus")
    assert "curl -sS -i -G" in samples["curl"] and "--data-urlencode" in samples["curl"]
    assert "URLSearchParams(parameters)" in samples["node"]
    assert "http_build_query" in samples["php"] and "CURLOPT_POSTFIELDS" not in samples["php"]
    assert "APIMethodType.GET" in samples["python"]


def test_put_samples_use_put():
    samples = _samples("reversal")
    assert "-X PUT" in samples["curl"]
    assert 'method: "PUT"' in samples["node"]
    assert "HttpMethod.Put" in samples["csharp"]
    assert "APIMethodType.PUT" in samples["java"]


def test_java_class_name_matches_its_file_name():
    api = get_api("c2bPayment")
    java = next(
        s for s in samples_for(api, MARKETS["vodafoneGHA"], ENDPOINT, CREDS) if s.language == "java"
    )
    assert java.filename == "C2bPaymentSample.java"
    assert "public class C2bPaymentSample {" in java.code
