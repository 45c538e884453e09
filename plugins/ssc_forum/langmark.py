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
from html.parser import HTMLParser
from pathlib import Path

HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
# A run starts and ends with Hangul; between, anything a Korean phrase holds (spaces, digits, marks).
_RUN = re.compile(rf"[{HANGUL}](?:[{HANGUL}\s\d·.,!?○「」『』‘’“”~:\-]*[{HANGUL}])?")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})
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


def mark_korean(html: str) -> tuple[str, int]:
    """The document with its Hangul runs outside Korean elements marked `lang="ko"`; and how many."""
    marker = _Marker("ko")
    marker.feed(html)
    marker.close()
    return "".join(marker.out), marker.marked


def on_content_written(path: str, context: dict) -> None:
    """Pelican's `content_written`: mark the Korean in a written HTML page of the English site."""
    if context.get("DEFAULT_LANG") != "en" or not str(path).endswith(".html"):
        return
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    marked, count = mark_korean(text)
    if count:
        file.write_text(marked, encoding="utf-8")
