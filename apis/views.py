"""API documentation: index, one page per API with its console, guides, reference,
the console's bearer endpoint and the library file downloads."""

from __future__ import annotations

import json

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import keys
from apis import docs, library, postman, search
from apis.bearer import make_bearer
from apis.forms import SearchForm
from apis.samples import samples_for
from catalog import MARKETS, Api, all_apis, get_api
from catalog.openapi import openapi_document

# Getting-started guides: slug -> (title, template). Order is the reading order.
GUIDES: dict[str, tuple[str | Promise, str]] = {
    "register": (
        gettext_lazy("Registering and activating your account"),
        "apis/guide_register.html",
    ),
    "keys": (gettext_lazy("Your API key and public key"), "apis/guide_keys.html"),
    "structure": (gettext_lazy("The three sections of a call"), "apis/guide_structure.html"),
    "without-library": (
        gettext_lazy("Develop without Library File"),
        "apis/guide_without_library.html",
    ),
    "sync-async": (
        gettext_lazy("Synchronous and asynchronous calls"),
        "apis/guide_sync_async.html",
    ),
    "going-live": (gettext_lazy("Going live"), "apis/guide_going_live.html"),
}


def get_api_or_404(slug: str) -> Api:
    api = get_api(slug)
    if api is None:
        raise Http404(_("No such API."))
    return api


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "apis/index.html",
        {"apis": all_apis(), "guides": GUIDES, "markets": MARKETS.values()},
    )


@require_GET
def guide(request: HttpRequest, topic: str) -> HttpResponse:
    if topic not in GUIDES:
        raise Http404(_("No such guide."))
    title, template = GUIDES[topic]
    context = {"title": title, "guides": GUIDES, "topic": topic}
    context.update(_guide_context(request))
    return _render(request, template, context)


def _guide_context(request: HttpRequest) -> dict:
    """What the guides show: the reader's credentials and a sample endpoint."""
    api = get_api_or_404("c2bPayment")
    market = docs.markets_of(api)[0]
    return {
        "credentials": docs.credentials_for(request.user),
        "example_endpoint": docs.sandbox_endpoint(request, api, market),
        "session_endpoint": docs.sandbox_endpoint(request, get_api_or_404("getSession"), market),
    }


@require_GET
def api_detail(request: HttpRequest, slug: str) -> HttpResponse:
    api = get_api_or_404(slug)
    markets = docs.markets_of(api)
    market = MARKETS.get(request.GET.get("market", ""), markets[0])
    if market not in markets:
        market = markets[0]
    credentials = docs.credentials_for(request.user)
    endpoint = docs.sandbox_endpoint(request, api, market)
    context = {
        "api": api,
        "market": market,
        "markets": markets,
        "sandbox": endpoint,
        "live": docs.live_endpoint(api, market),
        "credentials": credentials,
        "samples": samples_for(api, market, endpoint, credentials),
        "params": [(p, docs.param_format(p)) for p in api.params],
        "recent_calls": [
            (
                call,
                docs.recent_call_json(call.request_body),
                docs.recent_call_json(call.response_body),
            )
            for call in docs.recent_calls(request.user, api)
        ],
        "console": _console_data(request, api, markets),
        "console_request_box": _pretty(api.sample_request(market)),
    }
    return _render(request, "apis/api_detail.html", context)


def _pretty(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """render() plus what every docs page's navigation needs."""
    return render(request, template, {"docs_nav_apis": all_apis(), **context})


def _console_data(request: HttpRequest, api: Api, markets) -> dict:
    """What static/js/console.js needs, passed with json_script."""
    return {
        "method": api.method,
        "slug": api.slug,
        "markets": {
            m.slug: {
                "path": docs.gateway_path(api, m),
                "url": docs.sandbox_endpoint(request, api, m).url,
                "body": api.sample_request(m),
                "country": m.country,
                "currency": m.currency,
            }
            for m in markets
        },
        "fresh": docs.fresh_params(api),
        "codes": [r.code for r in api.result_codes],
        "bearer_url": reverse("apis:console-bearer"),
    }


@never_cache
@require_POST
def console_bearer(request: HttpRequest) -> JsonResponse:
    """A fresh bearer for the signed-in developer: RSA(API key) with the current key."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to send requests from the console.")}, status=403)
    api_key = keys.active_api_key(request.user)
    if api_key is None:
        return JsonResponse({"error": _("Your account has no active API key.")}, status=409)
    keypair = keys.current_keypair()
    return JsonResponse({"bearer": make_bearer(api_key.plaintext, keypair.public_key_b64)})


@require_GET
def reference(request: HttpRequest) -> HttpResponse:
    return _render(request, "apis/reference.html", {})


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    base = docs.sandbox_base_url(request).rstrip("/") + "/sandbox"
    response = JsonResponse(openapi_document(base), json_dumps_params={"indent": 2})
    if "download" in request.GET:
        response["Content-Disposition"] = 'attachment; filename="mpesa-sandbox-openapi.json"'
    return response


@require_GET
def postman_collection(request: HttpRequest) -> JsonResponse:
    """The Postman collection (v2.1) of every API, as a download (apis/postman.py)."""
    market = next(iter(MARKETS.values()))
    document = postman.collection(docs.sandbox_base_url(request), market)
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="mpesa-sandbox.postman_collection.json"'
    return response


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Results of the docs search box: a GET form, so it works without JavaScript."""
    form = SearchForm(request.GET)
    hits: list[search.Hit] = []
    query = ""
    message = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        if not search.words_of(query):
            message = _(
                "Type a word to search for: an API name, a parameter such as "
                "input_Amount, a result code such as INS-10, or a guide topic."
            )
        else:
            hits = search.search(query, GUIDES)
            if not hits:
                message = _(
                    "Nothing in the docs matches “%(query)s”. Check the spelling, "
                    "use fewer words, or browse the APIs and guides below."
                ) % {"query": query}
    status = 200 if form.is_valid() else 400
    context = {
        "form": form,
        "query": query,
        "hits": hits,
        "message": message,
        "apis": all_apis(),
        "guides": GUIDES,
    }
    response = _render(request, "apis/search.html", context)
    response.status_code = status
    return response


def _library_missing(request: HttpRequest, name: str) -> HttpResponse:
    # 503, not 404: the URL is right, this server was set up without the build step.
    context = {"name": name}
    return render(request, "apis/library_missing.html", context, status=503)


@require_GET
def download_python(request: HttpRequest) -> HttpResponse | FileResponse:
    wheel = library.python_wheel()
    if wheel is None:
        return _library_missing(request, "The Python library file")
    return FileResponse(wheel.open("rb"), as_attachment=True, filename=wheel.name)


@require_GET
def download_java(request: HttpRequest) -> HttpResponse | FileResponse:
    jar = library.java_jar()
    if jar is None:
        return _library_missing(request, "portal-sdk.jar")
    return FileResponse(
        jar.open("rb"),
        as_attachment=True,
        filename="portal-sdk.jar",
        content_type="application/java-archive",
    )
