"""Every page of the URLconf, in Chromium, as a visitor, a developer and a staff member:

- accessibility: axe-core (npm package, pinned in the Makefile's NODE_PACKAGES, installed
  by `make node-deps` under var/node) finds no violation of impact serious or critical;
- mobile: at 390×844 no page scrolls sideways.

The pages are enumerated from the access matrix (tests/security/test_access_matrix.py),
which has a row for every route of the URLconf with its arguments filled from the
security tests' world (a report, a Go Live request, a callback delivery... of the
developer's). A route is visited when it answers the persona with an HTML page (error
pages included, each status once per persona); routes that answer nobody with HTML are
skipped, and the skip list must be exactly NOT_PAGES below (JSON, files, redirects, and
the admin's bodiless 405).
Form actions (POST rows) that answer with HTML are rendered from the test client's
response (the browser cannot GET them). Vendor subtrees excluded from axe are listed,
with their reasons, in docs/accessibility.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from tests.conftest import missing
from tests.security.test_access_matrix import TABLE
from tests.security.world import World, build_world, client_for, walk_patterns

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "var/node/node_modules/axe-core/axe.min.js"
PERSONAS = {"visitor": "anonymous", "developer": "owner", "staff": "staff"}

# Routes that never answer these personas with an HTML page, and what they answer.
JSON, FILE, REDIRECT = "JSON", "file", "redirect"
EMPTY = "no body"  # Django's admin logout answers a GET with a bare 405
NOT_PAGES = {
    "healthz": JSON,
    "docs/reference/openapi.json": JSON,
    "docs/postman-collection.json": JSON,
    "profile/time-zone/browser/": JSON,
    "docs/console/bearer/": JSON,
    "sandbox/openapi.json": JSON,
    "sandbox/^ipg/v2/(?P<market>[^/]+)/(?P<operation>.*)$": JSON,
    "sandbox/^ipg/": JSON,
    "sandbox/callbacks/listen/next": JSON,
    "sandbox/callbacks/listen/<uuid:public_id>/result": JSON,
    "sandbox/callbacks/listen/disconnect": JSON,
    "reports/api/v1/keys/": JSON,
    "reports/api/v1/calls/": JSON,
    "reports/api/v1/summary/": JSON,
    "reports/api/schema/": FILE,
    ".well-known/security.txt": FILE,
    "profile/public-key.pem": FILE,
    "admin/jsi18n/": FILE,
    "i18n/js/<str:language>/<slug:version>.js": FILE,
    "docs/library/python/": FILE,
    "docs/library/java/": FILE,
    "admin/logout/": EMPTY,
    # Redirects: form actions answering with a redirect, steps that need a step before.
    "accounts/login/code/confirm/": REDIRECT,
    # Two-factor steps: a pending sign-in, an authenticator, or a fresh re-authentication
    # first (tests/e2e/test_mfa.py walks them in order, with screenshots).
    "accounts/2fa/authenticate/": REDIRECT,
    "accounts/2fa/recovery-codes/generate/": REDIRECT,
    "accounts/2fa/totp/activate/": REDIRECT,
    # Passkeys: each page needs a fresh re-authentication or a passkey first;
    # tests/e2e/test_passkeys.py walks them with a virtual authenticator and checks each
    # with axe-core and at 390 px (the list of passkeys is swept here). The passwordless
    # sign-in URL is the sign-in page's JSON challenge and form action.
    "accounts/2fa/webauthn/add/": REDIRECT,
    "accounts/2fa/webauthn/reauthenticate/": REDIRECT,
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": REDIRECT,
    "accounts/2fa/webauthn/keys/<int:pk>/edit/": REDIRECT,
    "accounts/2fa/webauthn/login/": REDIRECT,
    "accounts/password/set/": REDIRECT,
    "accounts/reauthenticate/code/confirm/": REDIRECT,
    "admin/account/emailaddress/<path:object_id>/": REDIRECT,
    "admin/accounts/application/<path:object_id>/": REDIRECT,
    "admin/accounts/gatewaykeypair/<path:object_id>/": REDIRECT,
    "admin/accounts/user/<path:object_id>/": REDIRECT,
    "admin/auth/group/<path:object_id>/": REDIRECT,
    "admin/accounts/staffaction/<path:object_id>/": REDIRECT,
    "admin/golive/conformancerequirement/<path:object_id>/": REDIRECT,
    "admin/golive/receivercheck/<path:object_id>/": REDIRECT,
    "admin/mfa/authenticator/<path:object_id>/": REDIRECT,
    "admin/golive/goliverequest/<path:object_id>/": REDIRECT,
    "admin/sandbox/mandate/<path:object_id>/": REDIRECT,
    "admin/sandbox/transaction/<path:object_id>/": REDIRECT,
    "golive/request/": REDIRECT,
    "golive/request/fresh-report/": REDIRECT,
    "i18n/setlang/": REDIRECT,
    "profile/api-key/reveal/": REDIRECT,
    "profile/async-response-url/": REDIRECT,
    "profile/details/": REDIRECT,
    "profile/phone/confirm/": REDIRECT,
    "profile/phone/resend/": REDIRECT,
    "sandbox/callbacks/signing-secret/rotate/": REDIRECT,
}

# Vendor subtrees axe does not judge (docs/accessibility.md says why).
AXE_EXCLUDE: dict[str, list[str]] = {}


@pytest.fixture
def world(transactional_db, developer, other_developer, staff_reviewer) -> World:
    cache.clear()
    return build_world(developer, other_developer, staff_reviewer)


# Pages that draw after load: what to wait for before judging them.
READY = {"docs/reference/": "#swagger-ui .opblock"}

# Second views of a page, reached by a fragment: (fragment, what to wait for).
VIEWS = {"reports/<uuid:public_id>/": ("#chart", "#chart-calls .main-svg")}

OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"
# What sticks out (for the failure message): the innermost elements past the right edge.
WIDE_JS = """() => {
  const wide = (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5;
  const clipped = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")].filter((e) => wide(e) && !clipped(e))
  .slice(-3).map((e) => e.tagName.toLowerCase()
    + (e.className ? "." + String(e.className).split(" ").join(".") : "")
    + " " + Math.round(e.getBoundingClientRect().right));
}"""


def _kind(response) -> str:
    if 300 <= response.status_code < 400:
        return REDIRECT
    ctype = response.get("Content-Type", "")
    if response.streaming:
        return FILE
    if not response.content.strip():
        return EMPTY
    if ctype.startswith("text/html"):
        return "html"
    if "json" in ctype:
        return JSON
    return FILE


def _pages(world, role: str) -> tuple[list[tuple[str, str, object]], set[str], dict[str, str]]:
    """(route, path, response) for each HTML page to visit as this role (an error page once
    per status), the routes answering HTML, the others' kinds."""
    pages, html, others, seen_errors = [], set(), {}, set()
    for route, row in sorted(TABLE.items()):
        path = row.path(world)
        client = client_for(role, world)
        response = getattr(client, row.method)(path, row.data(world) if row.data else {})
        kind = _kind(response)
        if kind != "html":
            others[route] = kind
            continue
        html.add(route)
        if response.status_code >= 400:
            if response.status_code in seen_errors:
                continue
            seen_errors.add(response.status_code)
        pages.append((route, path if row.method == "get" else "", response))
    return pages, html, others


def _visit(page, base_url: str, path: str, response) -> None:
    if path:
        page.goto(base_url + path)
        if "#" in path:
            page.reload()  # a fragment-only change loads nothing: the view reads it at load
        return
    # A form action's answer: the test client's HTML, served at a URL of the live server.
    url = f"{base_url}/__form_answer__/"
    page.route(
        url,
        lambda r: r.fulfill(
            status=response.status_code,
            body=response.content,
            headers={"Content-Type": response["Content-Type"]},
        ),
    )
    page.goto(url)
    page.unroute(url)


def with_axe(context):
    """`context`, with axe-core loaded by every page as it opens (`_axe` then finds it
    there): sending its 500 KB source to each page over the protocol cost about as much
    as the checks of a short page. The context needs bypass_csp (axe is a script the
    portal's CSP does not allow)."""
    context.add_init_script(path=str(AXE))
    return context


def _axe(page, exclude: list[str]) -> list[str]:
    """The serious and critical violations axe-core finds on `page` (outside `exclude`)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        """async (exclude) => {
          const context = exclude.length ? {exclude: exclude.map((s) => [s])} : document;
          const r = await axe.run(context, {resultTypes: ["violations"]});
          return r.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id} (${v.impact}): ` +
              v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " " +
                n.html.slice(0, 120)).join(" | "));
        }""",
        exclude,
    )
    return result


def _session_cookie(world, role: str, base_url: str) -> list[dict]:
    if role == "anonymous":
        return []
    client: Client = client_for(role, world)
    return [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_is_accessible_and_fits_a_phone(persona, world, live_server, _browser):
    if not AXE.exists():
        missing(f"axe-core is not installed at {AXE} (make node-deps)")
    role = PERSONAS[persona]
    pages, _, _ = _pages(world, role)
    assert len(pages) > 10
    context = with_axe(
        _browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    )
    context.set_default_timeout(15_000)
    context.add_cookies(_session_cookie(world, role, live_server.url))
    page = context.new_page()
    violations, too_wide = {}, {}
    try:
        visits = []
        for route, path, response in pages:
            visits.append((route, path, response, READY.get(route)))
            if route in VIEWS and path and response.status_code == 200:
                fragment, ready = VIEWS[route]
                visits.append((route, path + fragment, response, ready))
        for route, path, response, ready in visits:
            page.set_viewport_size({"width": 390, "height": 844})
            _visit(page, live_server.url, path, response)
            if ready:
                page.wait_for_selector(ready)
            where = f"{path or route} ({response.status_code})"
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow > 0:
                too_wide[where] = f"{overflow} px: {page.evaluate(WIDE_JS)}"
            page.set_viewport_size({"width": 1280, "height": 800})
            found = _axe(page, AXE_EXCLUDE.get(route, []))
            if found:
                violations[where] = found
    finally:
        context.close()

    report = [f"axe: {where}: {found}" for where, found in violations.items()]
    report += [f"wider than a 390 px phone by {px}: {where}" for where, px in too_wide.items()]
    assert report == [], "\n".join(report)


def test_axe_as_the_sweeps_load_it_finds_serious_violations(_browser):
    """The sweeps pass only if axe really runs: on a page made to fail (an image with
    no text alternative, grey text on grey), the same setup reports both."""
    if not AXE.exists():
        missing(f"axe-core is not installed at {AXE} (make node-deps)")
    context = with_axe(_browser.new_context(bypass_csp=True))
    page = context.new_page()
    url = "http://sweep.invalid/"
    bad = (
        '<!doctype html><html lang="en"><head><title>Bad page</title></head><body><main>'
        '<h1>Bad page</h1><img src="data:,"><p style="color:#999;background:#aaa">Faint</p>'
        "</main></body></html>"
    )
    try:
        page.route(url, lambda r: r.fulfill(status=200, body=bad, content_type="text/html"))
        page.goto(url)
        found = _axe(page, [])
    finally:
        context.close()
    assert [v.split(" ")[0] for v in found] == ["color-contrast", "image-alt"], found


def test_only_json_files_and_redirects_are_skipped(world):
    """A route is left out of the sweeps only when none of the personas gets HTML from it,
    and then it is JSON, a file or a redirect, exactly as NOT_PAGES says."""
    assert set(TABLE) == set(walk_patterns()) - {"sandbox/bench/floor/"}
    html: set[str] = set()
    kinds: dict[str, set[str]] = {}
    for role in PERSONAS.values():
        _, answered_html, others = _pages(world, role)
        html |= answered_html
        for route, kind in others.items():
            kinds.setdefault(route, set()).add(kind)
    skipped = {route: kinds[route] for route in set(TABLE) - html}
    # A route redirecting some personas and answering JSON to others counts as JSON.
    found = {
        route: "/".join(sorted((kinds - {REDIRECT}) or kinds)) for route, kinds in skipped.items()
    }
    assert found == NOT_PAGES, "\n".join(
        f"{route!r}: {found.get(route)} (NOT_PAGES: {NOT_PAGES.get(route)})"
        for route in sorted(set(found) | set(NOT_PAGES))
        if found.get(route) != NOT_PAGES.get(route)
    )
