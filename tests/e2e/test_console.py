"""The "Send Request" console in Chromium: real calls from the browser to the gateway."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts import keys
from sandbox.models import ApiCall
from tests import screens

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _open_console(page, slug: str):
    page.goto(f"/docs/apis/{slug}/")
    page.get_by_role("button", name="Send Request").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    # The bearer is built server-side for the signed-in developer.
    expect(page.locator("#console-bearer")).to_have_text(
        re.compile(r"^Bearer [A-Za-z0-9+/=]{600,}$")
    )
    return dialog


def _body(page) -> dict:
    return json.loads(page.get_by_label("Body (JSON").input_value())


def _set_body(page, body: dict) -> None:
    page.get_by_label("Body (JSON").fill(json.dumps(body, indent=2))


def _send(page, dialog) -> None:
    dialog.get_by_role("button", name="Send", exact=True).click()
    page.locator("#console-response").wait_for(state="visible")


def _response_body(page) -> dict:
    return json.loads(page.locator("#console-response-body").text_content())


def _sent(page) -> dict:
    return json.loads(page.locator("#console-request-sent").text_content())


def _watch_alerts(page) -> list:
    alerts: list = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    return alerts


@pytest.fixture
def dialog_shot(screenshot):
    """Save a screenshot of the console dialog alone (a full-page shot hides the modal),
    when the run was asked for screenshots (tests/screens.py)."""

    def take(dialog, name: str, focus: str = "") -> None:
        if focus and screens.enabled:
            dialog.locator(focus).scroll_into_view_if_needed()
        screenshot(dialog.page, f"dialog-{name}", full_page=False)

    return take


@pytest.fixture
def signed_in(page, live_server, developer):
    _sign_in(page, live_server, developer)
    return page


def test_c2b_console_sends_the_edited_amount_and_shows_ins_0(
    signed_in, live_server, developer, screenshot, dialog_shot
):
    page = signed_in
    dialog = _open_console(page, "c2bPayment")
    bearer = page.locator("#console-bearer").text_content().removeprefix("Bearer ")
    private_key = keys.private_key_of(keys.current_keypair())
    import base64

    from cryptography.hazmat.primitives.asymmetric import padding

    assert (
        private_key.decrypt(base64.b64decode(bearer), padding.PKCS1v15()).decode()
        == developer.api_key_plaintext
    )
    assert dialog.locator("#console-verb").text_content() == "POST"
    assert dialog.locator("#console-path").text_content() == (
        "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/"
    )
    body = _body(page)
    body["input_Amount"] = "123.45"
    _set_body(page, body)
    dialog_shot(dialog, "c2b-request")

    _send(page, dialog)

    assert dialog.locator("#console-http-status").text_content().startswith("201")
    assert dialog.locator("#console-result-code").text_content() == "INS-0"
    assert dialog.locator("#console-result-desc").text_content() == "Request processed successfully"
    # The answer is the five captured fields only; what was sent is shown beside it.
    answer = _response_body(page)
    assert list(answer) == [
        "output_ResponseCode",
        "output_ResponseDesc",
        "output_TransactionID",
        "output_ConversationID",
        "output_ThirdPartyConversationID",
    ]
    sent = _sent(page)
    assert sent == body and sent["input_Amount"] == "123.45"
    assert answer["output_ThirdPartyConversationID"] == sent["input_ThirdPartyConversationID"]
    expect(dialog.get_by_role("heading", name="Parameters sent")).to_be_visible()
    expect(page.locator("#console-request-sent")).to_be_visible()
    code_link = dialog.locator("#console-response-body a.hl-code")
    assert code_link.get_attribute("href") == "#result-INS-0"
    assert (
        "content-type: application/json"
        in dialog.locator("#console-response-headers").text_content().lower()
    )
    dialog_shot(dialog, "c2b-response", "#console-response")
    call = ApiCall.objects.get(user=developer)
    assert call.operation == "c2bPayment" and str(call.amount) == "123.45"
    assert call.request_body["input_Amount"] == "123.45"

    dialog.get_by_role("button", name="Close the console").click()
    recent = page.locator("#recent-calls li").first
    assert "INS-0" in recent.text_content()
    page.reload()
    assert "123.45" in page.locator("#recent-calls").text_content()


def test_invalid_json_shows_an_error_and_sends_nothing(signed_in, developer, dialog_shot):
    page = signed_in
    dialog = _open_console(page, "c2bPayment")
    sent: list = []
    page.on("request", lambda r: sent.append(r.url) if "/sandbox/ipg/" in r.url else None)
    page.get_by_label("Body (JSON").fill('{"input_Amount": "10",')

    dialog.get_by_role("button", name="Send", exact=True).click()

    error = dialog.get_by_role("alert")
    assert "not valid JSON" in error.text_content()
    assert "Nothing was sent" in error.text_content()
    assert page.get_by_label("Body (JSON").get_attribute("aria-invalid") == "true"
    dialog_shot(dialog, "invalid-json", "#console-body-error")
    page.wait_for_timeout(300)
    assert sent == []
    assert not ApiCall.objects.filter(user=developer).exists()
    assert dialog.locator("#console-response").is_hidden()


def test_script_in_the_body_is_shown_escaped_never_executed(signed_in, screenshot, dialog_shot):
    page = signed_in
    alerts = _watch_alerts(page)
    dialog = _open_console(page, "c2bPayment")
    body = _body(page)
    body["input_PurchasedItemsDesc"] = "<script>alert(1)</script>"
    body["input_Extra<img src=x onerror=alert(2)>"] = "<b>bold</b>"
    _set_body(page, body)

    _send(page, dialog)

    dialog_shot(dialog, "escaped", "#console-response-body")
    # The answer echoes nothing; the sent parameters are shown beside it, as text.
    sent_text = page.locator("#console-request-sent").text_content()
    assert "<script>alert(1)</script>" in sent_text
    assert "<b>bold</b>" in sent_text
    for panel in ("#console-request-sent", "#console-response-body"):
        assert page.locator(f"{panel} script, {panel} img, {panel} b").count() == 0
    dialog.get_by_role("button", name="Close the console").click()
    assert page.locator("#recent-calls script, #recent-calls img").count() == 0
    screenshot(page, "escaped")
    page.reload()  # the server-rendered list of recent calls escapes it too
    assert "<script>alert(1)</script>" in page.locator("#recent-calls").text_content()
    assert page.locator("#recent-calls script").count() == 0
    page.wait_for_timeout(300)
    assert alerts == []


def test_reversal_console_sends_put_and_shows_ins_0(signed_in, developer, dialog_shot):
    page = signed_in
    dialog = _open_console(page, "reversal")
    assert dialog.locator("#console-verb").text_content() == "PUT"
    methods: list = []
    page.on("request", lambda r: methods.append(r.method) if "/reversal/" in r.url else None)

    _send(page, dialog)

    assert methods == ["PUT"]
    assert dialog.locator("#console-http-status").text_content().startswith("201")
    assert dialog.locator("#console-result-code").text_content() == "INS-0"
    assert _sent(page)["input_TransactionID"] == _body(page)["input_TransactionID"]
    assert not any(k.startswith("input_") for k in _response_body(page))
    dialog_shot(dialog, "reversal", "#console-response")
    assert ApiCall.objects.get(user=developer).method == "PUT"


def test_reversal_script_value_is_escaped(signed_in):
    page = signed_in
    alerts = _watch_alerts(page)
    dialog = _open_console(page, "reversal")
    body = _body(page)
    body["input_TransactionID"] = "<script>alert(1)</script>"
    _set_body(page, body)

    _send(page, dialog)

    assert "<script>alert(1)</script>" in page.locator("#console-request-sent").text_content()
    assert page.locator("#console-request-sent script, #console-response-body script").count() == 0
    assert dialog.locator("#console-result-code").text_content() != "INS-0"
    assert alerts == []


def test_reversal_invalid_json_sends_nothing(signed_in, developer):
    page = signed_in
    dialog = _open_console(page, "reversal")
    page.get_by_label("Body (JSON").fill("[1, 2")

    dialog.get_by_role("button", name="Send", exact=True).click()

    assert "not valid JSON" in dialog.get_by_role("alert").text_content()
    page.wait_for_timeout(300)
    assert not ApiCall.objects.filter(user=developer).exists()


def test_query_transaction_status_console_sends_get_with_a_query_string(
    signed_in, developer, dialog_shot
):
    page = signed_in
    dialog = _open_console(page, "queryTransactionStatus")
    assert dialog.locator("#console-verb").text_content() == "GET"
    seen: list = []
    page.on(
        "request",
        lambda r: (
            seen.append((r.method, r.url, r.post_data))
            if "/queryTransactionStatus/" in r.url
            else None
        ),
    )

    _send(page, dialog)

    method, url, post_data = seen[0]
    assert method == "GET" and post_data is None
    assert "input_QueryReference=000000000001" in url
    assert dialog.locator("#console-http-status").text_content().startswith("200")
    assert dialog.locator("#console-result-code").text_content() == "INS-0"
    assert _response_body(page)["output_Reversed"] == "False"
    dialog_shot(dialog, "query-status", "#console-response")


def test_query_transaction_status_script_value_is_escaped_and_invalid_json_blocked(
    signed_in, developer
):
    page = signed_in
    alerts = _watch_alerts(page)
    dialog = _open_console(page, "queryTransactionStatus")
    body = _body(page)
    body["input_ThirdPartyConversationID"] = "<script>alert(1)</script>"
    _set_body(page, body)

    _send(page, dialog)

    assert "<script>alert(1)</script>" in page.locator("#console-request-sent").text_content()
    assert page.locator("#console-request-sent script, #console-response-body script").count() == 0
    calls_before = ApiCall.objects.filter(user=developer).count()
    page.get_by_label("Body (JSON").fill("not json")
    dialog.get_by_role("button", name="Send", exact=True).click()
    assert "not valid JSON" in dialog.get_by_role("alert").text_content()
    page.wait_for_timeout(300)
    assert ApiCall.objects.filter(user=developer).count() == calls_before
    assert alerts == []


def test_market_selector_switches_path_and_country(signed_in):
    page = signed_in
    dialog = _open_console(page, "c2bPayment")

    dialog.get_by_label("Market").select_option("vodacomTZN")

    assert dialog.locator("#console-path").text_content() == (
        "/sandbox/ipg/v2/vodacomTZN/c2bPayment/singleStage/"
    )
    body = _body(page)
    assert body["input_Country"] == "TZN" and body["input_Currency"] == "TZS"
    _send(page, dialog)
    assert dialog.locator("#console-result-code").text_content() == "INS-0"


def test_anonymous_visitor_sees_placeholders_and_no_send_button(page, screenshot):
    page.goto("/docs/apis/c2bPayment/")

    assert page.get_by_role("button", name="Send Request").count() == 0
    assert "YOUR_API_KEY" in page.locator("#code-java").text_content()
    page.get_by_role("tab", name="Python").click()
    expect(page.locator("#panel-python")).to_be_visible()
    assert page.locator("#panel-java").is_hidden()
    screenshot(page, "anonymous")


# --- Issue 15: the answer in view, fresh IDs per Send, the remembered language ---------


def _inside_viewport(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= size["width"], (selector, box, size)
    # The top of the body at least: a long answer may scroll inside its own box.
    assert box["y"] + min(box["height"], 120) <= size["height"], (selector, box, size)


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_answer_is_inside_the_viewport(signed_in, width, height, dialog_shot):
    page = signed_in
    page.set_viewport_size({"width": width, "height": height})
    dialog = _open_console(page, "c2bPayment")
    _send(page, dialog)
    expect(dialog.locator("#console-result-code")).to_have_text("INS-0")
    page.wait_for_timeout(300)  # let the scroll to the answer settle before measuring
    screens.save(dialog.page, screens.FOLDER / f"console-answer-{width}.png", full_page=False)
    _inside_viewport(page, "#console-http-status")
    _inside_viewport(page, "#console-response-body")
    _inside_viewport(page, "#console-send")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0


def test_second_send_gets_fresh_ids_and_no_duplicate(signed_in, developer):
    page = signed_in
    dialog = _open_console(page, "c2bPayment")
    _send(page, dialog)
    expect(dialog.locator("#console-result-code")).to_have_text("INS-0")
    first = _sent(page)
    dialog.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#console-status")).to_contain_text("answered", timeout=15_000)
    expect(dialog.locator("#console-result-code")).to_have_text("INS-0")
    second = _sent(page)
    for name in ("input_ThirdPartyConversationID", "input_TransactionReference"):
        assert second[name] != first[name], name
    assert _body(page)["input_ThirdPartyConversationID"] == second["input_ThirdPartyConversationID"]
    codes = list(
        ApiCall.objects.filter(user=developer)
        .order_by("created_at")
        .values_list("result_code", flat=True)
    )
    assert codes == ["INS-0", "INS-0"]


def test_keep_ids_fixed_sends_a_duplicate_on_purpose(signed_in, developer):
    page = signed_in
    dialog = _open_console(page, "c2bPayment")
    dialog.get_by_label("Keep IDs fixed (to test duplicates)").check()
    _send(page, dialog)
    expect(dialog.locator("#console-result-code")).to_have_text("INS-0")
    dialog.get_by_role("button", name="Send", exact=True).click()
    expect(dialog.locator("#console-result-code")).to_have_text("INS-10")


def test_an_edited_id_is_kept(signed_in, developer):
    page = signed_in
    dialog = _open_console(page, "c2bPayment")
    _send(page, dialog)
    body = _body(page)
    body["input_ThirdPartyConversationID"] = "mine123"
    _set_body(page, body)
    dialog.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#console-request-sent")).to_contain_text("mine123")
    assert _sent(page)["input_ThirdPartyConversationID"] == "mine123"


def test_sample_language_is_remembered_on_the_next_page(signed_in, screenshot):
    page = signed_in
    page.goto("/docs/apis/c2bPayment/")
    page.get_by_role("tab", name="Python").click()
    page.goto("/docs/apis/reversal/")
    expect(page.get_by_role("tab", name="Python")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-python")).to_be_visible()
    expect(page.locator("#panel-java")).to_be_hidden()


def test_fill_in_my_key_puts_the_key_into_the_samples(signed_in, developer):
    page = signed_in
    page.goto("/docs/apis/c2bPayment/")
    assert developer.api_key_plaintext not in page.content()
    page.get_by_role("button", name="Fill in my key").click()
    expect(page.locator("#code-python")).to_contain_text(developer.api_key_plaintext)
    assert "YOUR_API_KEY" not in page.locator("#code-curl").text_content()


def test_open_in_console_replays_with_fresh_ids(signed_in, developer):
    page = signed_in
    page.goto(
        "/docs/apis/c2bPayment/?market=vodacomTZN&input_Amount=77.00"
        "&input_ThirdPartyConversationID=old1&input_CustomerMSISDN=000000000001"
    )
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    body = _body(page)
    assert body["input_Amount"] == "77.00"
    assert body["input_ThirdPartyConversationID"] != "old1"
    assert dialog.locator("#console-market").input_value() == "vodacomTZN"
