"""Korean words on English pages are marked as Korean (`<span lang="ko">`), as WCAG 3.1.2 asks.

English pages quote Korean names and titles ("Seoul On (서울온)"). Marked, a screen reader
reads them with a Korean voice and the browser picks a Korean font for them; unmarked, both
treat them as English. Editors would have to remember a `<span lang="ko">` for every name,
so every written English page is marked here, once, after it is written: each run of Hangul
in the text (with the spaces and punctuation inside it) is wrapped, except inside elements
that already say their language, and inside `<title>`, `<script>`, `<style>` and
`<textarea>`, which hold no markup. Everything else in the file stays byte for byte.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
# A run starts and ends with Hangul; between, anything a Korean phrase holds (spaces, digits, marks).
_RUN = re.compile(rf"[{HANGUL}](?:[{HANGUL}\s\d·.,!?○「」『』‘’“”~:\-]*[{HANGUL}])?")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_TEXT_ONLY = frozenset({"title", "script", "style", "textarea", "option"})


class _Marker(HTMLParser):
    """Copies a document, wrapping Hangul runs of text whose language is not Korean."""

    def __init__(self, foreign: str) -> None:
        super().__init__(convert_charrefs=False)  # entities are copied as written
        self.foreign = foreign
        self.out: list[str] = []
        self.stack: list[tuple[str, str | None]] = []  # (tag, language in force)
        self.marked = 0

    def _lang(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag not in _VOID:
            self.stack.append((tag, dict(attrs).get("lang") or self._lang()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        for i in range(len(self.stack) - 1, -1, -1):  # close up to the matching element
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        inside = self.stack[-1][0] if self.stack else ""
        lang = (self._lang() or "").split("-")[0]
        if inside in _TEXT_ONLY or lang == self.foreign:
            self.out.append(data)
            return
        marked, count = _RUN.subn(lambda m: f'<span lang="{self.foreign}">{m.group(0)}</span>', data)
        self.marked += count
        self.out.append(marked)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


# The screen below reads only documents made of these tokens, each read exactly as `HTMLParser`
# reads it: text, a start tag whose attributes are plainly written (ASCII spaces, `name`,
# `name=value`, `name="value"`, `name='value'`), an end tag, a doctype. Anything else (a comment,
# a stray `<`, odd spacing …) is left to the full parse.
_SPACE = "[ \t\n\r\f]"
_ATTRIBUTE = rf"""{_SPACE}+([^\s"'=<>`/]+)(?:=("[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_TOKEN = re.compile(
    rf"""(?P<text>[^<]+)"""
    rf"""|<(?P<start>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:{_ATTRIBUTE})*){_SPACE}*(?P<close>/?)>"""
    rf"""|</(?P<end>[a-zA-Z][a-zA-Z0-9-]*){_SPACE}*>"""
    r"""|<![dD][oO][cC][tT][yY][pP][eE][^<>]*>"""
)
_ATTRIBUTES = re.compile(_ATTRIBUTE)
_HANGUL_CHAR = re.compile(f"[{HANGUL}]")
_LAST_HANGUL = re.compile(f"[{HANGUL}][^{HANGUL}]*\\Z")
_CDATA_END = {tag: re.compile(rf"</\s*{tag}\s*>", re.I) for tag in ("script", "style")}  # as HTMLParser ends them
_CHARREF = re.compile("&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]")


def _lang_attribute(attrs: str) -> str | None:
    lang = None
    for name, value in _ATTRIBUTES.findall(attrs):  # the last one counts, as in dict(attrs)
        if name.lower() == "lang":
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            lang = unescape(value) if value else None  # no value or "": the parent's language
    return lang


def _nothing_to_mark(html: str) -> bool:
    """True when no Hangul of the document is text outside a Korean or text-only element.

    Most English pages hold Hangul only in the language switch, already `lang="ko"`: they are
    read here with one regular expression per token instead of a full parse, and only up to
    their last Hangul. False means "parse it" (something to mark, or a token this reader
    leaves to `HTMLParser`), never a different answer.
    """
    last = _LAST_HANGUL.search(html)
    if last is None:
        return True
    stop = last.start() + 1
    stack: list[tuple[str, str | None]] = []
    pos = 0
    while pos < stop:
        token = _TOKEN.match(html, pos)
        if token is None:
            return False
        pos = token.end()
        kind = token.lastgroup
        if kind == "text":
            text = token.group("text")
            if "&#" in text and any(not _CHARREF.match(text + "<", m.start()) for m in re.finditer("&#", text)):
                return False  # HTMLParser reads the rest of such a document as text
            inside, lang = stack[-1] if stack else ("", None)
            if inside not in _TEXT_ONLY and (lang or "").split("-")[0] != "ko" and _HANGUL_CHAR.search(text):
                return False
        elif token.group("start") is not None:
            tag = token.group("start").lower()
            if token.group("close"):
                continue  # <tag/>: opens nothing
            attrs = token.group("attrs")
            lang = _lang_attribute(attrs) if "lang" in attrs.lower() else None
            if tag not in _VOID:
                stack.append((tag, lang or (stack[-1][1] if stack else None)))
            if tag in _CDATA_END:  # its text runs to its end tag, unread
                end = _CDATA_END[tag].search(html, pos)
                if end is None:
                    return False
                pos = end.end()
                _close(stack, tag)
        elif token.group("end") is not None:
            _close(stack, token.group("end").lower())
    return True


def _close(stack: list[tuple[str, str | None]], tag: str) -> None:
    for i in range(len(stack) - 1, -1, -1):  # close up to the matching element, as _Marker does
        if stack[i][0] == tag:
            del stack[i:]
            break


def mark_korean(html: str) -> tuple[str, int]:
    """The document with its Hangul runs outside Korean elements marked `lang="ko"`; and how many."""
    if _nothing_to_mark(html):
        return html, 0
    marker = _Marker("ko")
    marker.feed(html)
    marker.close()
    return "".join(marker.out), marker.marked


def on_content_written(path: str, context: dict) -> None:
    """Pelican's `content_written`: mark the Korean in a written HTML page of a site in another language."""
    if context.get("DEFAULT_LANG") in (None, "ko") or not str(path).endswith(".html"):
        return
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    marked, count = mark_korean(text)
    if count:
        file.write_text(marked, encoding="utf-8")
