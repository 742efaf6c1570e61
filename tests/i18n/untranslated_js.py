"""Find the text of a script (static/js/*.js) that a person may read and that is not
wrapped in gettext.

The scripts get their translations from the `djangojs` catalogue (portal/jsi18n.py):
text is translated only when it is the literal argument of `gettext`, `ngettext`,
`pgettext`, `npgettext` or `gettext_noop`. A script is read as tokens (comments,
string and template literals, regular expressions, names, punctuation); two rules
then say which string literals outside those calls are text, and fail on them:

1. Prose, anywhere: a literal holding a capitalised word ("Copied": a capital and then
   small letters only) or two words with a space between them ("copy refused").
2. Shown places, any word: a literal holding any word (as in templates,
   tests/i18n/untranslated.py's `is_visible_text`) inside an expression a person
   reads: the value assigned to `textContent`, `innerText`, `innerHTML`, `title`,
   `placeholder`, `alt` or `ariaLabel`; the second argument of `setAttribute` for
   "title", "aria-label", "placeholder" or "alt"; the arguments of `alert`, `confirm`,
   `prompt`, `createTextNode` and `new Error` (the scripts show error messages); and the
   value of an object's `text`, `name` or `title` key unless it is an object (Plotly's
   chart titles, axis titles and trace names).

Not text: protocol tokens as in templates (parameter names, result codes, upper-case
words such as HTTP, URLs, dotted names, numbers), hyphenated names (header names such
as Content-Type, element ids, CSS classes), CamelCase names (NotAllowedError,
DOMContentLoaded), the words in untranslated.ALLOWED (Bearer, ...) and "Accept" (a
header), object keys (`{"Zoom in": ...}`, Plotly's dictionary), literals compared with
`===`, `!==`, `==` or `!=` (`event.key === "Home"`), the "use strict" directive, and
the argument of `querySelector`, `querySelectorAll`, `matches`, `closest` and
`matchMedia` (CSS selectors and media queries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.i18n.untranslated import ALLOWED, PROTOCOL, is_visible_text

GETTEXT = {"gettext", "ngettext", "pgettext", "npgettext", "gettext_noop"}
SELECTOR_CALLS = {"querySelector", "querySelectorAll", "matches", "closest", "matchMedia"}
SHOWN_PROPERTIES = {
    "textContent",
    "innerText",
    "innerHTML",
    "title",
    "placeholder",
    "alt",
    "ariaLabel",
}
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
SHOWN_CALLS = {"alert", "confirm", "prompt", "createTextNode"}
SHOWN_KEYS = {"text", "name", "title"}
CODE_WORDS = ALLOWED | {"Accept"}
COMPARISONS = {"===", "!==", "==", "!="}

HYPHENATED = re.compile(r"\b[A-Za-z][\w]*(?:-[\w]+)+\b")
CAPITALISED = re.compile(r"(?<![\w-])[A-Z][a-z]+(?![\w-])")
PHRASE = re.compile(r"[^\W\d_]{2,}[^\S\n]+[(\[“\"']*[^\W\d_]{2,}")

# A regular expression may follow these (anything else: `/` divides).
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"", "return", "typeof", "case", "in", "of"}


@dataclass
class Token:
    kind: str  # "str", "name", "num", "punct"
    text: str  # the literal's value (str), else the token itself
    line: int
    in_gettext: bool = False
    is_key: bool = False
    selector: bool = False
    compared: bool = False


@dataclass(frozen=True)
class Untranslated:
    script: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.script}:{self.line}: {self.text!r}"


_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(raw: str) -> str:
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code.startswith("u{"):
            return chr(int(code[2:-1], 16))
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code if code != "\n" else "")

    return _ESCAPE.sub(one, raw)


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i, line, n = 0, 1, len(source)

    def previous() -> str:
        return tokens[-1].text if tokens and tokens[-1].kind in {"punct", "name"} else "x"

    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i == -1 else i
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end == -1 else end + 2
            line += source.count("\n", i, end)
            i = end
        elif c in "'\"`":
            j, start = i + 1, line
            while j < n and source[j] != c:
                if source[j] == "\\":
                    j += 1
                if j < n and source[j] == "\n":
                    line += 1
                j += 1
            tokens.append(Token("str", _unescape(source[i + 1 : j]), start))
            i = j + 1
        elif c == "/" and (not tokens or previous() in _REGEX_AFTER):
            j, in_class = i + 1, False
            while j < n and (in_class or source[j] != "/"):
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            j += 1
            while j < n and source[j].isalpha():
                j += 1
            tokens.append(Token("regex", source[i:j], line))
            i = j
        elif c.isalpha() or c in "_$":
            j = i
            while j < n and (source[j].isalnum() or source[j] in "_$"):
                j += 1
            tokens.append(Token("name", source[i:j], line))
            i = j
        elif c.isdigit():
            j = i
            while j < n and (source[j].isalnum() or source[j] == "."):
                j += 1
            tokens.append(Token("num", source[i:j], line))
            i = j
        else:
            # Multi-character operators matter only for `=` versus `==` / `=>`.
            for op in ("===", "!==", "==", "!=", "=>", "<=", ">=", "&&", "||"):
                if source.startswith(op, i):
                    tokens.append(Token("punct", op, line))
                    i += len(op)
                    break
            else:
                tokens.append(Token("punct", c, line))
                i += 1
    _mark_calls(tokens)
    return tokens


def _mark_calls(tokens: list[Token]) -> None:
    """Mark literals inside gettext(...) and selector calls, and object keys."""
    stack: list[str] = []  # per open bracket: "gettext", "selector" or ""
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index else None
        if token.kind == "punct" and token.text in "([{":
            kind = ""
            if token.text == "(" and before is not None and before.kind == "name":
                if before.text in GETTEXT:
                    kind = "gettext"
                elif before.text in SELECTOR_CALLS:
                    kind = "selector"
            stack.append(kind)
        elif token.kind == "punct" and token.text in ")]}":
            if stack:
                stack.pop()
        elif token.kind == "str":
            token.in_gettext = "gettext" in stack
            token.selector = bool(stack) and stack[-1] == "selector"
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            token.compared = (before is not None and before.text in COMPARISONS) or (
                after is not None and after.text in COMPARISONS
            )
            token.is_key = (
                after is not None
                and after.text == ":"
                and before is not None
                and before.text in {"{", ","}
            )


def _expression(tokens: list[Token], start: int) -> list[Token]:
    """The tokens of the expression from `start` up to the `,` `;` or closing bracket
    that ends it."""
    depth, found = 0, []
    for token in tokens[start:]:
        if token.kind == "punct":
            if token.text in "([{":
                depth += 1
            elif token.text in ")]}":
                depth -= 1
                if depth < 0:
                    break
            elif token.text in {",", ";"} and depth == 0:
                break
        found.append(token)
    return found


def _shown(tokens: list[Token]) -> list[Token]:
    """Literals inside the expressions a person reads (rule 2)."""
    shown: list[Token] = []
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        before = tokens[i - 1] if i else None
        if nxt is None:
            break
        if (
            token.kind == "name"
            and token.text in SHOWN_PROPERTIES
            and before is not None
            and before.text == "."
            and nxt.text == "="
        ):
            shown += _expression(tokens, i + 2)
        elif token.kind == "name" and nxt.text == "(":
            is_error = token.text == "Error" and before is not None and before.text == "new"
            if token.text in SHOWN_CALLS or is_error:
                shown += _expression(tokens, i + 2)
            elif token.text == "setAttribute" and i + 3 < len(tokens):
                attribute = tokens[i + 2]
                if attribute.kind == "str" and attribute.text in SHOWN_ATTRIBUTES:
                    shown += _expression(tokens, i + 4)
        elif (
            token.text in SHOWN_KEYS
            and token.kind in {"name", "str"}
            and nxt.text == ":"
            and before is not None
            and before.text in {"{", ","}
            and i + 2 < len(tokens)
            and tokens[i + 2].text != "{"
        ):
            shown += _expression(tokens, i + 2)
    return [t for t in shown if t.kind == "str"]


def is_prose(text: str) -> bool:
    """Rule 1: a capitalised word or a phrase, once code-like tokens are taken out."""
    text = PROTOCOL.sub(" ", text)
    text = HYPHENATED.sub(" ", text)
    if any(word not in CODE_WORDS for word in CAPITALISED.findall(text)):
        return True
    return PHRASE.search(text) is not None


def has_word(text: str) -> bool:
    """Rule 2: any word, once code-like tokens are taken out."""
    return is_visible_text(HYPHENATED.sub(" ", text))


def _code(token: Token) -> bool:
    return token.in_gettext or token.is_key or token.selector or token.compared


def untranslated(path: Path, name: str) -> list[Untranslated]:
    tokens = tokenize(path.read_text(encoding="utf-8"))
    found: dict[int, Token] = {}
    for token in tokens:
        if token.kind != "str" or _code(token) or token.text == "use strict":
            continue
        if is_prose(token.text):
            found[id(token)] = token
    for token in _shown(tokens):
        if not _code(token) and has_word(token.text):
            found[id(token)] = token
    ordered = sorted(found.values(), key=lambda t: t.line)
    return [Untranslated(name, t.line, " ".join(t.text.split())) for t in ordered]
