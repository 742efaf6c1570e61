"""Find the user-visible text of a template that is not marked for translation.

A template is read with Django's own Lexer: text inside {% translate %} and
{% blocktranslate %} … {% endblocktranslate %} is marked; {% comment %} blocks are not
shown. Every other tag and variable is replaced by a placeholder, and the rest is read as
HTML (for .txt templates, emails, all of it is text):

- text between tags counts, except inside <script>, <style>, <code>, <pre>, <kbd>,
  <samp> (code samples and protocol names are not translated);
- attribute values count when a person reads them: title, aria-label, placeholder, alt,
  and the value of a button.

A piece of text counts when a word of it (two letters or more) is left after removing
placeholders and protocol tokens (input_Amount, INS-0, POST, JSON, URLs …) and
the names in ALLOWED.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

PLACEHOLDER = "0"  # a variable: no word, and valid inside a tag name (<h{{ n }}>)
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
CODE_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp"}

# Names that are the same in every language: the product, brands and protocol words.
ALLOWED = {
    "Pesa",  # of M-Pesa (words are read one by one)
    "M",  # the brand mark
    "OpenAPI",
    "Plotly",
    "Python",
    "Java",
    "Node",
    "Bearer",
    "Base64",
    "curl",
    "UTC",
    "ms",
    "s",
}

# Protocol tokens: parameter and field names (input_Amount, output_ResponseCode), result
# codes (INS-0, INS-GAR-0), upper-case words (POST, JSON, HTTP, API, URL, SMS), dotted or
# slashed names (application/json, portal.requests), URLs and e-mail addresses, numbers.
PROTOCOL = re.compile(
    r"""
      https?://\S+
    | \S+@\S+
    | \w*_\w*
    | INS(?:-[A-Z0-9]+)+
    | \b[A-Z][A-Z0-9]+s?\b
    | \b\w+(?:[./][\w-]+)+\b
    | \b\d[\d.,:]*\b
    """,
    re.VERBOSE,
)
WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Untranslated:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def is_visible_text(text: str) -> bool:
    text = text.replace(PLACEHOLDER, " ")
    text = PROTOCOL.sub(" ", text)
    return any(word not in ALLOWED for word in WORD.findall(text))


def _flatten(source: str) -> str:
    """The template with every unmarked tag or variable as a placeholder, and marked text
    and comments left out (their newlines kept, so lines match the template's)."""
    out: list[str] = []
    depth = 0  # inside blocktranslate or comment
    for token in Lexer(source).tokenize():
        contents = token.contents
        if token.token_type == TokenType.BLOCK:
            name = contents.split()[0] if contents.split() else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
                continue
            # A space: a tag may sit inside an HTML tag (<tr {% if %}class="x"{% endif %}>).
            out.append(" " if depth == 0 else "")
        elif token.token_type == TokenType.TEXT:
            out.append(contents if depth == 0 else "\n" * contents.count("\n"))
        elif token.token_type == TokenType.VAR:
            out.append(PLACEHOLDER if depth == 0 else "")
    return "".join(out)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, int]] = []
        self.code_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self.code_depth += 1
        attributes = dict(attrs)
        for name, value in attrs:
            shown = name in VISIBLE_ATTRIBUTES or (
                name == "value"
                and (tag == "button" or attributes.get("type") in {"submit", "button", "reset"})
            )
            if shown and value and is_visible_text(value):
                self.found.append((value, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in CODE_ELEMENTS:
            self.code_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.code_depth:
            self.code_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.code_depth and is_visible_text(data):
            self.found.append((data, self.getpos()[0]))


def untranslated(path: Path, name: str) -> list[Untranslated]:
    flat = _flatten(path.read_text())
    if path.suffix == ".txt":
        return [
            Untranslated(name, number, text.strip())
            for number, text in enumerate(flat.split("\n"), start=1)
            if is_visible_text(text)
        ]
    reader = _Reader()
    reader.feed(flat)
    reader.close()
    return [Untranslated(name, number, " ".join(text.split())) for text, number in reader.found]
