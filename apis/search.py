"""The docs search: an index of the catalogue and the getting-started guides, in memory.

The index is built from what the portal already holds (the catalogue's Python objects and
the guides' template files), once per process on the first search, and kept for the
process's life (`index()` is cached). No outside service, no file to build or to go stale:
a deploy that changes the catalogue or a guide restarts the process, which rebuilds the
index (docs/search.md says why this beats a build-time JSON file).

Ranking (`search`): every word of the query must appear in an entry (its title, its
keywords or its text). Entries whose title is the query come first, then those with more
query words in their title, then those with more words in their text; API pages come
before their parameters and result codes when the rest is equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

from django.template import Context, Engine
from django.template.loader_tags import BlockNode
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from catalog import all_apis

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
MAX_RESULTS = 50
SNIPPET_CHARS = 200


# Kinds, in the order equal scores are listed.
KIND_API = "api"
KIND_GUIDE = "guide"
KIND_SECTION = "section"
KIND_PARAMETER = "parameter"
KIND_RESULT = "result"
KIND_LABELS = {
    KIND_API: _("API"),
    KIND_GUIDE: _("Guide"),
    KIND_SECTION: _("Guide section"),
    KIND_PARAMETER: _("Parameter"),
    KIND_RESULT: _("Result code"),
}
KIND_ORDER = {kind: position for position, kind in enumerate(KIND_LABELS)}


@dataclass(frozen=True)
class Entry:
    kind: str
    title: str
    url: str
    text: str
    context: str = ""  # where it is: the API or guide it belongs to
    keywords: str = ""

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def snippet(self) -> str:
        if len(self.text) <= SNIPPET_CHARS:
            return self.text
        return self.text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Hit:
    entry: Entry
    rank: tuple[int, ...]


# --- Building the index ---------------------------------------------------------------

_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
_SPACES = re.compile(r"\s+")


class _GuideParser(HTMLParser):
    """Splits a guide's HTML into (heading, anchor id, text) sections at h2/h3."""

    HEADINGS = {"h2", "h3"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list[str]] = [["", "", ""]]  # the intro has no heading
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HEADINGS:
            self._in_heading = True
            self.sections.append(["", dict(attrs).get("id") or "", ""])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HEADINGS:
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        section = self.sections[-1]
        section[0 if self._in_heading else 2] += data


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _guide_html(template_name: str) -> str:
    """The guide's own block (`{% block guide %}`), rendered in the active language with no
    reader: the marked strings ({% translate %}) are the guide's text, so the source with
    its tags stripped would lose them; the reader's key and endpoints stay empty."""
    template = Engine.get_default().get_template(template_name)
    for block in template.nodelist.get_nodes_by_type(BlockNode):
        if isinstance(block, BlockNode) and block.name == "guide":
            context = Context({})
            with context.render_context.push_state(template), context.bind_template(template):
                return block.nodelist.render(context)
    return _TEMPLATE_TAG.sub(" ", template.source)


def guide_sections(template_name: str) -> list[tuple[str, str, str]]:
    """The (heading, anchor, text) sections of a guide template; the first is its intro."""
    parser = _GuideParser()
    parser.feed(_guide_html(template_name))
    parser.close()
    return [(_clean(h), anchor, _clean(text)) for h, anchor, text in parser.sections]


def _t(text: str) -> str:
    """The catalogue's prose (marked with gettext_noop) in the active language; result
    descriptions stay as they are (the gateway's wire values, docs/i18n.md)."""
    return gettext(text) if text else ""


def _api_entries() -> list[Entry]:
    entries: list[Entry] = []
    for api in all_apis():
        page = reverse("apis:api-detail", args=[api.slug])
        entries.append(
            Entry(
                KIND_API,
                api.name,
                page,
                _clean(f"{_t(api.summary)} {_t(api.description)}"),
                keywords=f"{api.slug} {api.method} {api.path}",
            )
        )
        for param in api.params:
            entries.append(
                Entry(
                    KIND_PARAMETER,
                    param.name,
                    f"{page}#param-{param.name}",
                    _clean(_t(param.description)),
                    context=api.name,
                    keywords=" ".join((param.short_name, *param.aliases)),
                )
            )
        for result in api.result_codes:
            entries.append(
                Entry(
                    KIND_RESULT,
                    result.code,
                    f"{page}#result-{result.code}",
                    _clean(result.description),
                    context=api.name,
                    keywords=f"HTTP {result.http_status}",
                )
            )
    return entries


def _guide_entries(guides: dict[str, tuple[str | Promise, str]]) -> list[Entry]:
    entries: list[Entry] = []
    for slug, (title, template_name) in guides.items():
        page = reverse("apis:guide", args=[slug])
        intro, *sections = guide_sections(template_name)
        whole = _clean(" ".join(f"{h} {text}" for h, _anchor, text in (intro, *sections)))
        entries.append(Entry(KIND_GUIDE, str(title), page, whole))
        for heading, anchor, text in sections:
            if heading:
                url = f"{page}#{anchor}" if anchor else page
                entries.append(Entry(KIND_SECTION, heading, url, text, context=str(title)))
    return entries


@cache
def index(
    guides: tuple[tuple[str, tuple[str | Promise, str]], ...], language: str | None = None
) -> tuple[Entry, ...]:
    """Every searchable entry, in the active language (`language`, part of the cache key);
    built once per process per language and set of guides."""
    return tuple(_api_entries() + _guide_entries(dict(guides)))


# --- Searching ------------------------------------------------------------------------


def words_of(query: str) -> list[str]:
    """The query's words, lower-cased, without duplicates, at most MAX_WORDS."""
    words: list[str] = []
    for word in query.lower().split():
        word = word.strip(".,;:!?\"'()[]{}<>")
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def _contains(haystack: str, word: str) -> bool:
    """`word` at the start of a word of `haystack` (both lower-cased)."""
    return re.search(r"(?<![0-9a-z_])" + re.escape(word), haystack) is not None


def _rank(entry: Entry, query: str, words: list[str]) -> tuple[int, ...] | None:
    title = entry.title.lower()
    keywords = entry.keywords.lower()
    text = f"{entry.context} {entry.text}".lower()
    in_title = sum(_contains(title, w) for w in words)
    in_keywords = sum(_contains(keywords, w) for w in words)
    in_text = sum(_contains(text, w) for w in words)
    if not all(_contains(title, w) or _contains(keywords, w) or _contains(text, w) for w in words):
        return None
    exact = int(title == query.lower().strip() or keywords == query.lower().strip())
    return (exact, in_title, in_keywords, in_text, -KIND_ORDER[entry.kind])


def search(query: str, guides: dict[str, tuple[str | Promise, str]]) -> list[Hit]:
    """The entries matching every word of `query`, best first, at most MAX_RESULTS."""
    words = words_of(query)
    if not words:
        return []
    hits = []
    for entry in index(tuple(guides.items()), get_language()):
        rank = _rank(entry, query, words)
        if rank is not None:
            hits.append(Hit(entry, rank))
    hits.sort(key=lambda hit: hit.rank, reverse=True)  # stable: catalogue order on ties
    return hits[:MAX_RESULTS]
