"""Shortcodes editors can put in Markdown, each on a line of its own.

- `[[timetable]]`: the whole timetable; `[[timetable day=2020-09-22]]`: one day.
- `[[stream youtube:VIDEO_ID]]` or `[[stream link:https://…]]`: a stream player or link.

Shortcodes are found in the Markdown *source*, before it is rendered: each is replaced by a
placeholder paragraph that Markdown leaves alone, and after rendering the placeholder is
replaced by the rendered partial. So Markdown never sees the arguments (`_x_` stays, `&`
is escaped once, by the template) and a shortcode Markdown would have mangled is still
found. Whatever looks like a shortcode but is not one on a line of its own is an error
with its line, never text printed as is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from . import schema, streams
from .messages import Message, tr

NAMES = ("stream", "timetable")
LINE_RE = re.compile(r"^ {0,3}\[\[([a-z]+)((?:[ \t]+[^\]\s]+)*)[ \t]*\]\][ \t]*$")
_LOOSE_RE = re.compile(r"^\[\[\s*([^\s\]]*)")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+).*?\1")
TOKEN = "SSCFORUMSHORTCODE"


@dataclass(frozen=True)
class Shortcode:
    """One shortcode found in a Markdown source."""

    name: str
    args: tuple[str, ...]
    text: str  # as written
    line: int = 0  # 1-based, in the source file
    index: int = 0  # its position among the file's shortcodes

    @property
    def placeholder(self) -> str:
        """The word standing for it while Markdown renders the text."""
        return f"{TOKEN}{self.index}X"


@dataclass(frozen=True)
class SourceProblem:
    """Something shortcode-like that is not a usable shortcode."""

    line: int
    message: str | Message


def extract(text: str, first_line: int = 1) -> tuple[str, list[Shortcode], list[SourceProblem]]:
    """Find the shortcodes of a Markdown text and put placeholders in their place.

    `first_line` is the file's line number of the text's first line. Returns the text to
    render, the shortcodes in order, and what was wrong.
    """
    out: list[str] = []
    codes: list[Shortcode] = []
    problems: list[SourceProblem] = []
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=first_line):
        fence_match = _FENCE_RE.match(line)
        if fence is not None:  # inside a fenced code block, everything is text
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if fence_match:
            fence = fence_match.group(1)
            out.append(line)
            continue
        if line.startswith(("    ", "\t")):  # an indented code block
            out.append(line)
            continue
        if TOKEN in line:
            problems.append(
                SourceProblem(
                    number, tr("the word {token} is reserved for the site's own use: write another word", token=TOKEN)
                )
            )
        match = LINE_RE.match(line)
        if match:
            code = Shortcode(match.group(1), tuple(match.group(2).split()), line.strip(), number, len(codes))
            codes.append(code)
            # Blank lines around it: a paragraph of its own, even right after a list or a paragraph.
            out.extend(("", code.placeholder, ""))
            continue
        problem = _misuse(line)
        if problem:
            problems.append(SourceProblem(number, problem))
        out.append(line)
    return "\n".join(out), codes, problems


def _misuse(line: str) -> Message | None:
    """Why a line that is not a shortcode still looks like one, or None."""
    if line.count("[") < 2:  # no "[[" even once code spans are taken out: skip the pattern, on most lines
        return None
    visible = _CODE_SPAN_RE.sub("", line)  # `[[timetable]]` in a code span is text about a shortcode
    if "[[" not in visible:
        return None
    stripped = visible.strip()
    if visible.count("[[") > 1 and stripped.startswith("[["):
        return tr("two shortcodes on one line: put each on a line of its own")
    if not stripped.startswith("[["):
        return tr("a shortcode must be on a line of its own, not inside other text")
    loose = _LOOSE_RE.match(stripped)
    name = loose.group(1) if loose else ""
    if not stripped.endswith("]]"):
        if "]]" in stripped:
            return tr("a shortcode must be on a line of its own, not followed by other text")
        return tr("the shortcode {code!r} is not closed: write [[name arguments]] on one line", code=stripped)
    if name not in NAMES:
        return _unknown(name)
    return tr(
        "the shortcode {code!r} is malformed: write [[name arguments]], arguments separated by spaces", code=stripped
    )


def _unknown(name: str) -> Message:
    if name.lower() in NAMES:
        return tr(
            "unknown shortcode [[{name}]] (known: {known}); names are lower-case", name=name, known=", ".join(NAMES)
        )
    meant = difflib.get_close_matches(name.lower(), NAMES, n=1, cutoff=0.6)
    if meant:
        return tr("unknown shortcode [[{name}]] (did you mean [[{meant}]]?)", name=name, meant=meant[0])
    return tr("unknown shortcode [[{name}]] (known: {known})", name=name, known=", ".join(NAMES))


_LEFT_RE = re.compile(r"\[\[\s*[A-Za-z]+[^\]\n]*\]?\]?")
_BRACKET_ENTITY_RE = re.compile(r"&(?:#|l)", re.IGNORECASE)  # &#91; &#x5b; &lsqb; &lbrack;


def leftovers(html: str) -> list[str]:
    """Shortcode-like text that reached the rendered page outside code (e.g. indented in a list item)."""
    if "[" not in html and not _BRACKET_ENTITY_RE.search(html):
        return []  # the text holds no "[" at all: written neither as it is nor as an entity (&#91; &lsqb;)
    from bs4 import BeautifulSoup

    doc = BeautifulSoup(html, "html.parser")
    for code in doc.find_all(["code", "pre"]):
        # Emptied, not removed: removing looks the element up among its siblings, and a paragraph
        # of thousands of code spans took minutes; its text is what must not be read.
        code.clear()
    return _LEFT_RE.findall(doc.get_text())


def check(code: Shortcode, days: Collection[date] = ()) -> Message | None:
    """What is wrong with a shortcode, or None when it is usable; `days` are the programme's."""
    if code.name == "timetable":
        if len(code.args) > 1:
            return tr("[[timetable]] takes at most one day=YYYY-MM-DD")
        for arg in code.args:
            key, _, value = arg.partition("=")
            if key != "day":
                return tr("[[timetable]] takes only day=YYYY-MM-DD, not {arg!r}", arg=arg)
            try:
                on = schema.DATE.parse(value)  # type: ignore[operator]
            except schema.FieldError as exc:
                return tr("[[timetable {arg}]]: {problem}", arg=arg, problem=exc.message)
            if on not in days:
                known = ", ".join(d.isoformat() for d in sorted(days))
                return tr("[[timetable {arg}]]: no such day in the programme ({known})", arg=arg, known=known)
        return None
    if code.name == "stream":
        if len(code.args) != 1:
            return tr("[[stream …]] takes exactly one provider:id, e.g. [[stream youtube:VIDEO_ID]]")
        try:
            streams.parse_media(code.args[0])
        except streams.MediaError as exc:
            return tr("[[stream]]: {problem}", problem=exc.message)
        return None
    return _unknown(code.name)


def timetable_days(code: Shortcode) -> str | None:
    """The day a timetable shortcode shows (YYYY-MM-DD), or None for every day."""
    for arg in code.args:
        return arg.partition("=")[2]
    return None


def placed(html: str, code: Shortcode) -> bool:
    """Whether the rendered text has the shortcode's placeholder as a paragraph of its own, once."""
    return html.count(code.placeholder) == 1 and f"<p>{code.placeholder}</p>" in html


def expand(html: str, codes: tuple[Shortcode, ...] | list[Shortcode], render: Callable[[Shortcode], str]) -> str:
    """Replace each shortcode's placeholder paragraph with what `render` makes of it."""
    for code in codes:
        html = html.replace(f"<p>{code.placeholder}</p>", render(code), 1)
    return html
