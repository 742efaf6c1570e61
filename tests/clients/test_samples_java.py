"""The Java samples of the API pages, compiled with javac against the portal-sdk.jar the
portal serves, and run against the live test server."""

from __future__ import annotations

import subprocess

import pytest

from apis import library
from apis.samples import class_name
from catalog import get_api
from tests.clients.sample_pages import fill_in_key, sample_from_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def jar(javac):
    path = library.java_jar()
    assert path is not None, "portal-sdk.jar is not built: run make sdk (needs a JDK)"
    return path


def _compile_and_run(javac, jar, code: str, cls: str, folder) -> subprocess.CompletedProcess:
    source = folder / f"{cls}.java"
    source.write_text(code)
    subprocess.run(
        [javac, "-cp", str(jar), "-d", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return subprocess.run(
        ["java", "-cp", f"{jar}:{folder}", cls],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("slug", "status"),
    [("c2bPayment", "201"), ("reversal", "201"), ("queryTransactionStatus", "200")],
)
def test_java_sample_compiles_against_the_jar_and_returns_ins_0(
    live_server, developer, settings, tmp_path, javac, jar, slug, status
):
    code = sample_from_page(live_server, developer, slug, "java", settings)
    assert developer.api_key_plaintext in code

    result = _compile_and_run(javac, jar, code, class_name(get_api(slug)), tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == status
    assert '"output_ResponseCode":"INS-0"' in lines[-1].replace(" ", "")


def test_without_library_java_guide_code_gets_a_session(
    live_server, developer, settings, tmp_path, javac
):
    import html
    import re

    from django.test import Client
    from django.urls import reverse

    settings.PUBLIC_BASE_URL = live_server.url
    client = Client()
    client.force_login(developer)
    page = client.get(reverse("apis:guide", args=["without-library"])).content.decode()
    code = html.unescape(re.search(r'id="without-library-java">(.*?)</code>', page, re.S)[1])
    code = fill_in_key(client, code)
    (tmp_path / "Main.java").write_text(code)
    subprocess.run(
        [javac, "-d", str(tmp_path), str(tmp_path / "Main.java")], check=True, timeout=120
    )

    result = subprocess.run(
        ["java", "-cp", str(tmp_path), "Main"], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 ") and "INS-0" in result.stdout


SESSION_FLOW = """
import mpesa.portal.sdk.*;

public class SessionFlow {
    static APIContext context(String key, APIMethodType method, String path, int port) {
        APIContext c = new APIContext();
        c.setApiKey(key);
        c.setPublicKey(System.getenv("PUBLIC_KEY"));
        c.setMethodType(method);
        c.setAddress("localhost");
        c.setPort(port);
        c.setPath("/sandbox/ipg/v2/vodafoneGHA/" + path);
        c.addHeader("Origin", "*");
        return c;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        APIResponse session = new APIRequest(
            context(System.getenv("API_KEY"), APIMethodType.GET, "getSession/", port)).execute();
        String sessionId = session.getBodyValue("output_SessionID");
        APIContext pay = context(sessionId, APIMethodType.POST, "c2bPayment/singleStage/", port);
        pay.addParameter("input_Amount", "7.25");
        pay.addParameter("input_CustomerMSISDN", "000000000001");
        pay.addParameter("input_Country", "GHA");
        pay.addParameter("input_Currency", "GHS");
        pay.addParameter("input_ServiceProviderCode", "000000");
        pay.addParameter("input_TransactionReference", "javaflow1");
        pay.addParameter("input_ThirdPartyConversationID", "javaflow1");
        pay.addParameter("input_PurchasedItemsDesc", "Tea");
        APIResponse paid = new APIRequest(pay).execute();
        pay.addParameter("input_ThirdPartyConversationID", "Tea and \\"cake\\" \\\\ 100%");
        APIResponse bad = new APIRequest(pay).execute();
        APIContext query = context(sessionId, APIMethodType.GET, "queryTransactionStatus/", port);
        query.addParameter("input_QueryReference", paid.getBodyValue("output_TransactionID"));
        query.addParameter("input_Country", "GHA");
        query.addParameter("input_ServiceProviderCode", "000000");
        query.addParameter("input_ThirdPartyConversationID", "java flow+3");
        APIResponse status = new APIRequest(query).execute();
        System.out.println(
            session.getStatusCode() + " " + session.getBodyValue("output_ResponseCode"));
        System.out.println(paid.getStatusCode() + " " + paid.getBodyValue("output_ResponseCode"));
        System.out.println(bad.getStatusCode() + " " + bad.getBodyValue("output_ResponseCode")
            + " " + bad.getBodyValue("output_ThirdPartyConversationID"));
        System.out.println(status.getStatusCode() + " " + status.getBodyValue("output_ResponseCode")
            + " " + status.getBodyValue("output_ThirdPartyConversationID"));
    }
}
"""


def test_java_sdk_session_flow_with_escaping_and_query_encoding(
    live_server, developer, tmp_path, javac, jar
):
    from urllib.parse import urlsplit

    from accounts import keys

    source = tmp_path / "SessionFlow.java"
    source.write_text(SESSION_FLOW)
    subprocess.run(
        [javac, "-cp", str(jar), "-d", str(tmp_path), str(source)], check=True, timeout=120
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "API_KEY": developer.api_key_plaintext,
        "PUBLIC_KEY": keys.current_keypair().public_key_b64,
    }

    result = subprocess.run(
        ["java", "-cp", f"{jar}:{tmp_path}", "SessionFlow", str(urlsplit(live_server.url).port)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )

    assert result.returncode == 0, result.stderr
    session, paid, bad, status = result.stdout.splitlines()
    assert session == "200 INS-0"
    assert paid == "201 INS-0"
    # The ThirdPartyConversationID fails its regex (quotes, %): the gateway answers INS-28
    # and echoes it as output_ThirdPartyConversationID (answers echo no input_*), proof
    # that the JSON writer escaped it and the reader unescaped it.
    assert bad == '400 INS-28 Tea and "cake" \\ 100%'
    # Space and plus survive the query string (URL-encoded by the SDK).
    assert status == "200 INS-0 java flow+3"
